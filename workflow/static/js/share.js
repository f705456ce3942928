// Share buttons of a story page: copy the address, and the phone's own share sheet where the browser has one.
// Plain share links work without this file; it only reveals the two buttons it can make work.
(function () {
  "use strict";
  var status = document.querySelector(".share-status");
  function say(text) { if (status) { status.textContent = text; } }

  var copy = document.querySelector(".share-copy");
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.dataset.url).then(
        function () { say("Link copied."); },
        function () { say("Could not copy the link: copy it from the address bar."); }
      );
    });
  }

  var native = document.querySelector(".share-native");
  var phone = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  if (native && navigator.share && phone) {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: native.dataset.title, url: native.dataset.url }).catch(function () {});
    });
  }
})();
