/* Swagger UI from the npm package swagger-ui-dist, served from our own static files (works
   offline and on an intranet). Settings come from a JSON data block, so no inline script. */
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var root = document.getElementById("swagger-ui");
  var csrf = root.getAttribute("data-csrf-token");
  settings.dom_id = "#swagger-ui";
  settings.presets = [window.SwaggerUIBundle.presets.apis];
  settings.layout = "BaseLayout";
  if (csrf) {
    settings.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = csrf;
      return request;
    };
  }
  window.ui = window.SwaggerUIBundle(settings);
})();
