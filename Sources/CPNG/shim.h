// libpng's simplified API (png_image_*): it handles libpng's longjmp-based errors itself and
// reports them in png_image.message, so Swift calls it directly.
#include <png.h>
