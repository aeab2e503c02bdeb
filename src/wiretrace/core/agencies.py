"""News agencies: outlets whose copy is written to be reused by others.

When publication times cannot order two articles, an agency's copy and a
newspaper's or website's retelling of it are ordered by who they are: the
wire is the source (``direction_basis`` ``agency``). This is how wire copy
works, not a textual inference: a newspaper that adds its own reporting to
PA copy is longer and richer than the copy, which reads to the textual model
as the newspaper being the original.

An outlet is matched by name or by web domain after folding case, accents,
punctuation and a leading "the", so ``Reuters``, ``REUTERS``,
``www.reuters.com`` and ``Thomson Reuters`` all match; ``Reuters Institute``
does not. The list is the international and large national agencies; set
``agency_rule = false`` (or ``WIRETRACE_AGENCY_RULE=false``) to order by text
alone.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["AGENCY_NAMES", "agency_key", "is_agency", "order_by_agency"]

AGENCY_NAMES = frozenset(
    {
        "reuters", "thomson reuters", "associated press", "ap", "afp", "agence france presse", "pa",
        "press association", "pa media", "dpa", "deutsche presse agentur", "ansa", "efe", "agencia efe",
        "europa press", "kyodo", "kyodo news", "jiji press", "xinhua", "xinhua news agency", "upi",
        "united press international", "pti", "press trust of india", "ani", "ians", "yonhap", "tass", "ria novosti",
        "interfax", "anadolu", "anadolu agency", "aap", "australian associated press", "canadian press", "bloomberg",
        "bloomberg news", "belga", "anp", "ntb", "ritzau", "stt", "ctk", "pap", "mti", "bta", "hina",
        "notimex", "telam", "agencia brasil", "sapa", "kyodo news agency", "bernama", "antara",
    }
)  # fmt: skip
AGENCY_DOMAINS = (
    "reuters.com", "apnews.com", "ap.org", "afp.com", "pa.media", "dpa.com", "ansa.it", "efe.com", "europapress.es",
    "kyodonews.net", "jiji.com", "xinhuanet.com", "news.cn", "upi.com", "ptinews.com", "aninews.in", "yna.co.kr",
    "tass.com", "tass.ru", "ria.ru", "interfax.com", "aa.com.tr", "aap.com.au", "thecanadianpress.com",
    "bloomberg.com", "anp.nl", "belga.be", "pap.pl", "bernama.com", "antaranews.com",
)  # fmt: skip

_NOT_WORD = re.compile(r"[^a-z0-9.]+")


def _fold(outlet: str) -> str:
    text = unicodedata.normalize("NFKD", outlet).encode("ascii", "ignore").decode("ascii").casefold()
    text = " ".join(_NOT_WORD.sub(" ", text).split())
    return text.removeprefix("the ")


def is_agency(outlet: str | None) -> bool:
    """Whether an outlet, by name or web domain, is a news agency.

    Example:
        >>> is_agency("REUTERS"), is_agency("www.apnews.com"), is_agency("The Guardian")
        (True, True, False)
    """
    if not outlet:
        return False
    folded = _fold(outlet)
    if folded.replace(".", " ").strip() in AGENCY_NAMES or folded.rstrip(".") in AGENCY_NAMES:
        return True
    host = folded.split()[0] if folded else ""
    return "." in host and any(host == d or host.endswith("." + d) for d in AGENCY_DOMAINS)


def agency_key(outlet: str | None) -> str | None:
    """The agency's name as matched (folded), or None when the outlet is no agency's.

    Copies that give the same key are one agency's versions of a story.

    Example:
        >>> agency_key("The REUTERS"), agency_key("Daily Mail")
        ('reuters', None)
    """
    return _fold(outlet) if outlet and is_agency(outlet) else None


def order_by_agency(a: str | None, b: str | None) -> int:
    """-1 when only ``a`` is an agency's (the source), 1 when only ``b`` is, 0 otherwise.

    Example:
        >>> order_by_agency("PA", "Daily Mail"), order_by_agency("Reuters", "AP"), order_by_agency(None, "AFP")
        (-1, 0, 1)
    """
    first, second = is_agency(a), is_agency(b)
    return (second and not first) - (first and not second)
