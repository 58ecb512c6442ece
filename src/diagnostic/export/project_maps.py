"""Where the projects are: the communes' centroids and contours of a project's geography,
and a small inline SVG map of a project's communes that prints without a browser.

The contours (``[geography] boundaries``) give both the shapes and the centroids; a
centroids file (``[geography] centroids``) gives points only; without either there is no
map, and the outputs say so.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from diagnostic.analysis.projects import commune_layout
from diagnostic.territory.maps import outer_rings


@dataclass(frozen=True)
class Geography:
    """The drawable geography of a project.

    Attributes
    ----------
    centroids : DataFrame
        commune_code, lat, lon (empty when the project has no geography).
    shapes : dict
        commune_code -> list of outer rings, each a list of (lon, lat) points.
    """

    centroids: pd.DataFrame
    shapes: dict = field(default_factory=dict)

    @property
    def drawable(self) -> bool:
        return bool(len(self.centroids))


def project_geography(diag) -> Geography:
    """The centroids and contours of the project's ``[geography]`` files (contours first)."""
    from diagnostic.project.run import read_centroids
    from diagnostic.territory.maps import read_boundaries

    project = diag.project
    shapes: dict = {}
    centroids = pd.DataFrame({"commune_code": [], "lat": [], "lon": []})
    if getattr(project, "boundaries", None):
        geojson = read_boundaries(project.boundaries)
        shapes = outer_rings(geojson)
        centroids, _pairs = commune_layout(geojson)
    if getattr(project, "centroids", None):
        centroids = read_centroids(project.centroids)
    centroids = centroids.dropna(subset=["lat", "lon"]).astype({"commune_code": str})
    return Geography(centroids.reset_index(drop=True), shapes)


def territory_shapes(geography: Geography, diag) -> dict:
    """The contours of the study area's communes and of every project member's commune (a
    département's file holds hundreds more, which a map of the territory does not need)."""
    wanted = set(diag.communes["commune_code"].astype(str)) | {
        c for codes in diag.cooperation_projects["communes"].dropna() for c in codes.split(";")
    }
    return {c: rings for c, rings in geography.shapes.items() if c in wanted}


def _projector(lats, lons, width: float, height: float, pad: float = 8):
    """(lat, lon) -> (x, y) in a width × height box framing the given points, north up,
    kilometres kept square."""
    lat0 = float(np.mean(lats))
    kx = np.cos(np.radians(lat0))
    xs, ys = np.asarray(lons) * kx, -np.asarray(lats)
    scale = min(
        (width - 2 * pad) / max(float(np.ptp(xs)), 1e-3),
        (height - 2 * pad) / max(float(np.ptp(ys)), 1e-3),
    )
    left = float(xs.min()) - ((width - 2 * pad) / scale - float(np.ptp(xs))) / 2
    top = float(ys.min()) - ((height - 2 * pad) / scale - float(np.ptp(ys))) / 2

    def at(lat, lon):
        return pad + (lon * kx - left) * scale, pad + (-lat - top) * scale

    return at


def _frame(lats: list, lons: list, whole_lats: list, whole_lons: list) -> tuple[list, list]:
    """The members' extent, widened to a third of the territory at least and padded, so that
    the map zooms on the project and still shows the communes around it."""

    def widen(values, whole):
        low, high = min(values), max(values)
        span = max(high - low, (max(whole) - min(whole)) / 3, 0.02)
        middle = (low + high) / 2
        return [middle - 0.65 * span, middle + 0.65 * span]

    return widen(lats, whole_lats), widen(lons, whole_lons)


def svg_map(
    geography: Geography,
    members: dict[str, int],
    territory=(),
    names: dict[str, str] | None = None,
    width: int = 420,
    height: int = 300,
) -> str:
    """An inline SVG map framed on the project: the communes around in grey, the members'
    communes coloured, a disc per commune sized by its number of members, with its name.

    Parameters
    ----------
    geography : Geography
        From `project_geography`; an empty string when no member's commune is placed.
    members : dict
        commune_code -> number of the project's members there.
    territory : iterable of commune codes
        The study area, drawn around the members' communes.
    """
    names = names or {}
    at_ = {
        c: (float(a), float(b))
        for c, a, b in zip(
            geography.centroids["commune_code"],
            geography.centroids["lat"],
            geography.centroids["lon"],
        )
    }
    placed = [c for c in members if c in at_]
    if not placed:
        return ""
    wanted = [c for c in dict.fromkeys([*map(str, territory), *placed]) if c in at_]

    def extent(codes):
        pts = [p for c in codes for ring in geography.shapes.get(c, []) for p in ring]
        pts += [(at_[c][1], at_[c][0]) for c in codes]
        return [p[1] for p in pts], [p[0] for p in pts]

    lats, lons = _frame(*extent(placed), *extent(wanted))
    at = _projector(lats, lons, width, height)
    parts = []
    for c in wanted:
        fill = "#9FD3CB" if c in members else "#EEEEEE"
        for ring in geography.shapes.get(c, []):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(lat, lon) for lon, lat in ring))
            parts.append(
                f'<polygon points="{path}" fill="{fill}" stroke="#FFFFFF" stroke-width="1"/>'
            )
    if not geography.shapes:  # centroids only: the communes around as small grey points
        for c in wanted:
            if c not in members:
                x, y = at(*at_[c])
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#BBBBBB"/>')
    taken: list[tuple[float, float, float]] = []  # labels placed: (left, right, y)
    for c in sorted(placed, key=lambda c: -at_[c][0]):  # north first
        n = members[c]
        x, y = at(*at_[c])
        r = 5 + 3 * np.sqrt(n)
        label = f"{names.get(c, c)} ({n})"
        wide = 6.2 * len(label)
        right = x + r + wide + 4 <= width
        left_x = x + r + 3 if right else x - r - 3 - wide
        ty = y + 4
        while any(abs(ty - t) < 13 and left_x < b and left_x + wide > a for a, b, t in taken):
            ty += 13
        taken.append((left_x, left_x + wide, ty))
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#1F4E5F" '
            f'fill-opacity="0.85" stroke="#FFFFFF"/>'
        )
        parts.append(
            f'<text x="{left_x:.1f}" y="{ty:.1f}" font-size="11" '
            f'font-family="Arial,sans-serif" fill="#1d2b36" stroke="#FFFFFF" stroke-width="3" '
            f'paint-order="stroke">{html.escape(label)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">'
        f'<rect width="{width}" height="{height}" fill="#FAFAFA"/>{"".join(parts)}</svg>'
    )
