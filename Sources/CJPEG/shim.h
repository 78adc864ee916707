// libjpeg reports errors through error_exit, which by default calls exit(); longjmp across Swift
// frames is undefined. kd_jpeg_decode keeps setjmp/longjmp inside this one C function and returns
// an error code with libjpeg's message instead. Warnings (e.g. "Premature end of JPEG file", after
// which libjpeg would pad a truncated image with grey) are errors too: a dataset never holds
// half-decoded images.
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

struct kd_jpeg_error {
    struct jpeg_error_mgr manager;   // first, so a j_common_ptr's err points at the whole struct
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void kd_jpeg_error_exit(j_common_ptr cinfo) {
    struct kd_jpeg_error *error = (struct kd_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->jump, 1);
}

// Level < 0 is a warning (corrupt or truncated data): fail like an error. Trace messages (≥ 0) are ignored.
static void kd_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) kd_jpeg_error_exit(cinfo);
}

// Decodes the JPEG in data[0..<size] to 8-bit pixels, row-major and interleaved: 1 channel for a
// grayscale file, 3 (RGB) otherwise. Returns 0 and a malloc'd buffer in *pixels (the caller frees
// it), or 1 with libjpeg's message in message (JMSG_LENGTH_MAX bytes) and *pixels NULL.
static inline int kd_jpeg_decode(const unsigned char *data, unsigned long size, unsigned char **pixels,
                                 int *width, int *height, int *channels, char *message) {
    struct jpeg_decompress_struct cinfo;
    struct kd_jpeg_error error;
    unsigned char *volatile buffer = NULL;   // volatile: read after longjmp
    *pixels = NULL;
    cinfo.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = kd_jpeg_error_exit;
    error.manager.emit_message = kd_jpeg_emit_message;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(buffer);
        memcpy(message, error.message, JMSG_LENGTH_MAX);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * (size_t)cinfo.output_components;
    buffer = malloc(stride * cinfo.output_height);
    if (buffer == NULL) {
        jpeg_destroy_decompress(&cinfo);
        strcpy(message, "out of memory");
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = buffer + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    *width = (int)cinfo.output_width;
    *height = (int)cinfo.output_height;
    *channels = cinfo.output_components;
    jpeg_destroy_decompress(&cinfo);
    *pixels = buffer;
    return 0;
}
