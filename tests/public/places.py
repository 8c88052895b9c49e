"""Real cities to put on test maps (coordinates rounded to a hundredth of a degree)."""

from __future__ import annotations

from citycert.public.geo import MapPoint

BOGOTA = MapPoint("Bogotá", "Bogotá D.C., Colombia", 4.61, -74.08, "gold", "/cities/bogota/")
BUENOS_AIRES = MapPoint(
    "Buenos Aires", "Buenos Aires, Argentina", -34.61, -58.38, "platinum", "/cities/buenos-aires/"
)
AUSTIN = MapPoint("Austin", "Texas, United States", 30.27, -97.74, "silver", "/cities/austin/")

# The far corners of the program's world: every one must land on the map.
EDGES = [
    MapPoint("Fairbanks", "Alaska, United States", 64.84, -147.72, "silver", "/cities/fairbanks/"),
    MapPoint("Anchorage", "Alaska, United States", 61.22, -149.90, "silver", "/cities/anchorage/"),
    MapPoint("Honolulu", "Hawaii, United States", 21.31, -157.86, "gold", "/cities/honolulu/"),
    MapPoint("Hilo", "Hawaii, United States", 19.71, -155.08, "gold", "/cities/hilo/"),
    MapPoint("Punta Arenas", "Magallanes, Chile", -53.16, -70.91, "gold", "/cities/punta-arenas/"),
    MapPoint("Ushuaia", "Tierra del Fuego, Argentina", -54.80, -68.30, "gold", "/cities/ushuaia/"),
    MapPoint("Recife", "Pernambuco, Brazil", -8.05, -34.88, "platinum", "/cities/recife/"),
    MapPoint("João Pessoa", "Paraíba, Brazil", -7.12, -34.86, "silver", "/cities/joao-pessoa/"),
    MapPoint("St. John's", "Newfoundland, Canada", 47.56, -52.71, "silver", "/cities/st-johns/"),
    MapPoint("Whitehorse", "Yukon, Canada", 60.72, -135.06, "silver", "/cities/whitehorse/"),
    MapPoint("San Juan", "Puerto Rico, United States", 18.47, -66.11, "gold", "/cities/san-juan/"),
    MapPoint("Bridgetown", "Barbados", 13.10, -59.62, "gold", "/cities/bridgetown/"),
]
