// The week's rounds on a map. Points and lines are drawn whether or not map tiles load.
(function () {
  var holder = document.getElementById("map");
  var data = JSON.parse(document.getElementById("rounds-data").textContent);
  if (!holder || typeof L === "undefined") { return; }
  var map = L.map(holder, { zoomControl: true });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap" }).addTo(map);
  }
  // Names come from the database: shown as text, never read as HTML (Leaflet would).
  function text(value) {
    var span = document.createElement("span");
    span.textContent = String(value);
    return span;
  }
  var bounds = [];
  data.hubs.forEach(function (hub) {
    var at = [hub.lat, hub.lon];
    // Labels stay on the map (printed sheets and phones have no hover).
    L.circleMarker(at, { radius: 9, color: "#000", fillOpacity: 1 })
      .bindTooltip(text(hub.name), { permanent: true, direction: "top" }).addTo(map);
    bounds.push(at);
  });
  data.routes.forEach(function (route) {
    var colour = route.colour;
    var hub = [route.hub.lat, route.hub.lon];
    var line = [hub];
    route.stops.forEach(function (stop) {
      var at = [stop.lat, stop.lon];
      line.push(at); bounds.push(at);
      L.circleMarker(at, { radius: 7, color: colour, fillOpacity: 0.9 })
        .bindTooltip(text(stop.seq + ". " + stop.name), { permanent: true, direction: "right",
                                                          className: "stop-label" }).addTo(map);
    });
    line.push(hub);
    L.polyline(line, { color: colour, weight: 3 }).addTo(map);
  });
  data.unserved.forEach(function (stop) {
    var at = [stop.lat, stop.lon];
    bounds.push(at);
    L.circleMarker(at, { radius: 7, color: "#a3241b", dashArray: "3" })
      .bindTooltip(text(stop.name), { permanent: true, direction: "right" }).addTo(map);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); }
  // The legend's colour swatches, the same colours as the lines.
  document.querySelectorAll(".legend .swatch[data-colour]").forEach(function (swatch) {
    swatch.style.backgroundColor = swatch.getAttribute("data-colour");
  });
}());
