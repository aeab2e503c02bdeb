// Partner highlighting for the wiretrace comparison page. The page works
// without this script (partner links are anchors); it only adds hover and
// click highlighting. It reads data-links (the alignment links a sentence
// takes part in) and never touches article text.
(function () {
  "use strict";
  var byLink = {};
  var sentences = Array.prototype.slice.call(document.querySelectorAll(".s[data-links]"));
  sentences.forEach(function (el) {
    el.dataset.links.split(" ").forEach(function (n) {
      if (n) { (byLink[n] = byLink[n] || []).push(el); }
    });
  });
  function partners(el) {
    var out = [];
    el.dataset.links.split(" ").forEach(function (n) {
      (byLink[n] || []).forEach(function (o) { if (out.indexOf(o) < 0) { out.push(o); } });
    });
    return out;
  }
  function clear(cls) {
    Array.prototype.forEach.call(document.querySelectorAll("." + cls), function (o) { o.classList.remove(cls); });
  }
  function visible(el) {
    var r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }
  sentences.forEach(function (el) {
    el.addEventListener("mouseenter", function () {
      partners(el).forEach(function (o) { o.classList.add("hot"); });
    });
    el.addEventListener("mouseleave", function () { clear("hot"); });
    el.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { return; }
      var wasPinned = el.classList.contains("pinned");
      clear("pinned");
      if (wasPinned) { return; }
      var group = partners(el);
      group.forEach(function (o) { o.classList.add("pinned"); });
      var side = el.closest("[data-side]");
      var other = group.filter(function (o) { return o.closest("[data-side]") !== side; });
      if (other.length && !visible(other[0])) { other[0].scrollIntoView({ block: "center", behavior: "smooth" }); }
    });
  });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { clear("pinned"); } });
})();
