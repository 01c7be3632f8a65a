"""The coordinators' « Réseau » pages: farms, products, pickup points, hubs, canteens and
basket formats, added, edited, deactivated and reactivated from the browser."""
