"""The slide grid follows the design brief."""

from generator.canvas import Canvas
from generator.config.schema import Typography
from generator.render.grid import grid_for


def test_default_type_scale_reads_on_a_phone():
    grid = grid_for(Canvas("linkedin-portrait", 1080, 1350), Typography())
    assert (grid.title_size, grid.body_size, grid.meta_size) == (72, 36, 26)  # chrome >= 26 px on 1080
    assert grid.body_size >= 34  # DESIGN: body under ~34 px on 1080 is hard to read in a feed


def test_margins_and_bands_sit_in_the_safe_area_on_an_8px_step():
    for height in (1080, 1350, 1440, 1920):
        grid = grid_for(Canvas("c", 1080, height), Typography())
        assert grid.margin_x >= 76
        assert grid.edge_top >= 0.05 * height and grid.edge_bottom >= 0.05 * height
        # top bands are placed from the top edge, bottom bands from the bottom edge
        for value in (
            grid.margin_x,
            grid.edge_top,
            grid.edge_bottom,
            grid.content_top,
            height - grid.content_bottom,
            grid.header_height,
            grid.footer_height,
        ):
            assert value % 8 == 0, (height, value)
        assert grid.content_top > grid.edge_top + grid.header_height
        assert grid.content_bottom < height - grid.edge_bottom - grid.footer_height


def test_grid_scales_with_the_canvas():
    small = grid_for(Canvas("c", 540, 675), Typography())
    large = grid_for(Canvas("c", 1080, 1350), Typography())
    assert large.body_size == 2 * small.body_size
    assert large.margin_x == 2 * small.margin_x
