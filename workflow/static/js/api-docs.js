// The interactive API page: Swagger UI (vendored in static/vendor/swagger-ui) on the app's own OpenAPI document.
// A file of its own, not an inline script, so the Content-Security-Policy (script-src 'self') holds.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // never send the document to the public validator
    tryItOutEnabled: false,
  });
})();
