// Partner highlighting for the wiretrace comparison page. The page works
// without this script (partner links are anchors); it only adds hover and
// click highlighting. It reads data-links (the alignment links a sentence
// takes part in) and never touches article text.
//
// Keyboard: each linked sentence becomes a tab stop (here, not in the HTML:
// without the script there is nothing to pin); Enter or Space pins it with its
// partners, again unpins, Escape clears. A hidden hint describes the keys and a
// status line announces what was pinned, by sentence labels only.
(function () {
  "use strict";
  var byLink = {};
  var sentences = Array.prototype.slice.call(document.querySelectorAll(".s[data-links]"));
  if (!sentences.length) { return; }
  sentences.forEach(function (el) {
    el.dataset.links.split(" ").forEach(function (n) {
      if (n) { (byLink[n] = byLink[n] || []).push(el); }
    });
  });
  function note(id, text, role) {
    var p = document.createElement("p");
    p.id = id;
    p.className = "sr-only";
    if (role) { p.setAttribute("role", role); }
    p.textContent = text;
    document.body.appendChild(p);
    return p;
  }
  note("pin-hint", "Enter or Space pins this sentence and its partners; Escape clears the pin.");
  var status = note("pin-status", "", "status");
  function partners(el) {
    var out = [];
    el.dataset.links.split(" ").forEach(function (n) {
      (byLink[n] || []).forEach(function (o) { if (out.indexOf(o) < 0) { out.push(o); } });
    });
    return out;
  }
  function label(el) {
    var n = el.querySelector(".n");
    return n ? n.textContent : el.id;
  }
  function clear(cls) {
    Array.prototype.forEach.call(document.querySelectorAll("." + cls), function (o) { o.classList.remove(cls); });
  }
  function visible(el) {
    var r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }
  function toggle(el) {
    var wasPinned = el.classList.contains("pinned");
    clear("pinned");
    if (wasPinned) {
      status.textContent = "Unpinned " + label(el) + ".";
      return;
    }
    var group = partners(el);
    group.forEach(function (o) { o.classList.add("pinned"); });
    var side = el.closest("[data-side]");
    var other = group.filter(function (o) { return o.closest("[data-side]") !== side; });
    status.textContent = "Pinned " + label(el) + (other.length ? " with " + other.map(label).join(", ") : "") + ".";
    if (other.length && !visible(other[0])) { other[0].scrollIntoView({ block: "center", behavior: "smooth" }); }
  }
  sentences.forEach(function (el) {
    el.tabIndex = 0;
    el.setAttribute("aria-describedby", "pin-hint");
    el.addEventListener("mouseenter", function () {
      partners(el).forEach(function (o) { o.classList.add("hot"); });
    });
    el.addEventListener("mouseleave", function () { clear("hot"); });
    el.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { return; }
      toggle(el);
    });
    el.addEventListener("keydown", function (ev) {
      // Only the sentence itself: Enter on a partner link inside it follows the link.
      if (ev.target !== el || (ev.key !== "Enter" && ev.key !== " ")) { return; }
      ev.preventDefault();  // Space would scroll the page
      toggle(el);
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && document.querySelector(".s.pinned")) {
      clear("pinned");
      status.textContent = "Pins cleared.";
    }
  });
})();
