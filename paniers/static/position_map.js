// The network's places on a map, drawn whether or not map tiles load. Beside a position
// field, a click (or a tap) on the map fills the latitude and longitude, and typing them
// moves the marker.
(function () {
  var holder = document.getElementById("position-map");
  var source = document.getElementById("position-data");
  if (!holder || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
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
  var colours = { hub: "#000", farm: "#8a5a2b", point: "#2f6b2f" };
  var bounds = [];
  data.places.forEach(function (place) {
    var at = [place.lat, place.lon];
    bounds.push(at);
    L.circleMarker(at, {
      radius: place.kind === "hub" ? 8 : 6, color: colours[place.kind] || "#555",
      fillOpacity: place.active ? 0.8 : 0.1, dashArray: place.active ? null : "3"
    }).bindTooltip(text(place.name)).addTo(map);
  });

  var lat = document.querySelector("input[name=lat]");
  var lon = document.querySelector("input[name=lon]");
  var picking = holder.dataset.picking === "yes" && lat && lon;
  var marker = null;
  // Typed the French way (50,4512) or the English way (50.4512).
  function read(input) {
    var value = parseFloat(String(input.value).replace(/\s/g, "").replace(",", "."));
    return isFinite(value) ? value : null;
  }
  function show(at) {
    if (!marker) {
      marker = L.circleMarker(at, { radius: 10, color: "#b5562b", weight: 4, fillOpacity: 0.3 })
        .addTo(map);
      marker.getElement().setAttribute("data-role", "chosen-position");
    } else {
      marker.setLatLng(at);
    }
  }
  function decimals(value) {
    var french = (document.documentElement.lang || "fr").indexOf("fr") === 0;
    var written = value.toFixed(5);
    return french ? written.replace(".", ",") : written;
  }
  if (picking) {
    var typed = [read(lat), read(lon)];
    if (typed[0] !== null && typed[1] !== null) { show(typed); bounds.push(typed); }
    holder.classList.add("picking");
    map.on("click", function (event) {
      lat.value = decimals(event.latlng.lat);
      lon.value = decimals(event.latlng.lng);
      show([event.latlng.lat, event.latlng.lng]);
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var at = [read(lat), read(lon)];
        if (at[0] !== null && at[1] !== null) { show(at); map.panTo(at); }
      });
    });
  }
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
  } else {
    map.setView([50.456, 2.783], 11);  // Loos-en-Gohelle, before the first place
  }
}());
