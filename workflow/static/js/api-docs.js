// The interactive API page: Swagger UI (vendored in static/vendor/swagger-ui) on the app's own OpenAPI document.
// A file of its own, not an inline script, so the Content-Security-Policy (script-src 'self') holds.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  // Swagger UI leaves its server chooser without a name a screen reader can read out: give it the page's.
  function nameTheControls() {
    var servers = root.querySelector("select#servers:not([aria-label])");
    if (servers) {
      servers.setAttribute("aria-label", root.getAttribute("data-servers-label") || "Servers");
    }
  }
  new MutationObserver(nameTheControls).observe(root, { childList: true, subtree: true });
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    // Deep links would put a link inside each operation's expand button (a control inside a control,
    // which keyboards and screen readers cannot reach on its own).
    deepLinking: false,
    validatorUrl: null, // never send the document to the public validator
    tryItOutEnabled: false,
    onComplete: nameTheControls,
  });
})();
