"""Charts drawn with plain characters (no plotting library)."""

from __future__ import annotations


def lorenz(points: list[list[float]], width: int = 41, height: int = 11) -> list[str]:
    """A Lorenz curve: '*' the curve, '.' the line of equality; x = share of customers
    (lowest revenue first), y = share of revenue. ``points`` are [x, y] pairs, x ascending."""
    if not points:
        return []
    grid = [[" "] * width for _ in range(height)]

    def y_at(x: float) -> float:
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if x0 <= x <= x1:
                return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        return points[-1][1]

    for col in range(width):
        x = col / (width - 1)
        grid[height - 1 - round(x * (height - 1))][col] = "."
        grid[height - 1 - round(y_at(x) * (height - 1))][col] = "*"
    lines = []
    for i, row in enumerate(grid):
        label = "100%" if i == 0 else ("  0%" if i == height - 1 else "    ")
        lines.append(f"{label} |{''.join(row)}")
    lines.append("     +" + "-" * width)
    lines.append("      0%" + " " * (width - 9) + "100%  share of customers")
    return lines
