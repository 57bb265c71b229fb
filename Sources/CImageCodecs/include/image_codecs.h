#ifndef HERITAGE_IMAGE_CODECS_H
#define HERITAGE_IMAGE_CODECS_H

#include <stddef.h>

/// A decoded image: 8-bit channels, rows packed without padding. Free `pixels` with hc_free.
typedef struct {
    unsigned char *pixels;
    int width;
    int height;
    int channels;
    /// Non-fatal problems the decoder reported (e.g. damaged data it worked around).
    int warning_count;
    char message[256];
} hc_image;

/// Decodes a JPEG to RGB. `scale_denom` (1, 2, 4 or 8) asks libjpeg-turbo to scale while
/// decoding. Returns 0 on success; -1 with `message` set when the data cannot be decoded.
/// libjpeg's errors come back here through setjmp/longjmp: nothing calls exit().
int hc_jpeg_decode(const unsigned char *data, size_t size, int scale_denom, hc_image *out);

/// Encodes 8-bit RGB pixels as a baseline JPEG in memory, with `app1` (an EXIF segment's body,
/// starting "Exif\0\0"; may be NULL) written straight after the start-of-image marker.
/// Returns 0 and sets `*out`/`*out_size` (free with hc_free), or -1 with `message` set.
int hc_jpeg_encode(const unsigned char *pixels, int width, int height, int quality, const unsigned char *app1,
                   size_t app1_size, unsigned char **out, size_t *out_size, char *message, size_t message_size);

/// Decodes a PNG to RGBA (libpng's simplified API). Returns 0 on success, -1 with `message` set.
int hc_png_decode(const unsigned char *data, size_t size, hc_image *out);

/// Encodes 8-bit RGB (channels 3) or RGBA (channels 4) pixels as PNG in memory.
/// Returns 0 and sets `*out`/`*out_size` (free with hc_free), or -1 with `message` set.
int hc_png_encode(const unsigned char *pixels, int width, int height, int channels, unsigned char **out,
                  size_t *out_size, char *message, size_t message_size);

void hc_free(void *pointer);

#endif
