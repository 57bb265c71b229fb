#include "image_codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

// MARK: JPEG

struct hc_jpeg_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    hc_image *image;
};

static void hc_jpeg_fail(j_common_ptr info) {
    struct hc_jpeg_error *error = (struct hc_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->image->message);
    longjmp(error->jump, 1);
}

static void hc_jpeg_warn(j_common_ptr info, int level) {
    struct hc_jpeg_error *error = (struct hc_jpeg_error *)info->err;
    if (level < 0) {
        // Corrupt-data warnings: keep the first message, count them all.
        if (error->image->warning_count == 0) {
            (*info->err->format_message)(info, error->image->message);
        }
        error->image->warning_count += 1;
    }
}

int hc_jpeg_decode(const unsigned char *data, size_t size, int scale_denom, hc_image *out) {
    memset(out, 0, sizeof(*out));
    struct jpeg_decompress_struct info;
    struct hc_jpeg_error error;
    memset(&info, 0, sizeof(info));
    info.err = jpeg_std_error(&error.base);
    error.base.error_exit = hc_jpeg_fail;
    error.base.emit_message = hc_jpeg_warn;
    error.image = out;
    unsigned char *volatile pixels = NULL;
    if (setjmp(error.jump)) {
        free(pixels);
        out->pixels = NULL;
        jpeg_destroy_decompress(&info);
        return -1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = JCS_RGB;
    info.scale_num = 1;
    info.scale_denom = (scale_denom == 2 || scale_denom == 4 || scale_denom == 8) ? (unsigned int)scale_denom : 1;
    jpeg_start_decompress(&info);
    size_t stride = (size_t)info.output_width * (size_t)info.output_components;
    if (info.output_components != 3 || stride == 0 || info.output_height == 0 ||
        (size_t)info.output_height > ((size_t)1 << 31) / stride) {
        snprintf(out->message, sizeof(out->message), "unsupported JPEG layout (%u x %u, %d components)",
                 info.output_width, info.output_height, info.output_components);
        jpeg_destroy_decompress(&info);
        return -1;
    }
    pixels = malloc(stride * info.output_height);
    if (pixels == NULL) {
        snprintf(out->message, sizeof(out->message), "out of memory for a %u x %u image", info.output_width,
                 info.output_height);
        jpeg_destroy_decompress(&info);
        return -1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + stride * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    out->pixels = pixels;
    out->width = (int)info.output_width;
    out->height = (int)info.output_height;
    out->channels = 3;
    jpeg_destroy_decompress(&info);
    return 0;
}

int hc_jpeg_encode(const unsigned char *pixels, int width, int height, int quality, const unsigned char *app1,
                   size_t app1_size, unsigned char **out, size_t *out_size, char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    hc_image scratch;
    memset(&scratch, 0, sizeof(scratch));
    struct jpeg_compress_struct info;
    struct hc_jpeg_error error;
    memset(&info, 0, sizeof(info));
    info.err = jpeg_std_error(&error.base);
    error.base.error_exit = hc_jpeg_fail;
    error.base.emit_message = hc_jpeg_warn;
    error.image = &scratch;
    unsigned char *volatile buffer = NULL;
    unsigned long volatile size = 0;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&info);
        free(buffer);
        snprintf(message, message_size, "%s", scratch.message);
        return -1;
    }
    if (width <= 0 || height <= 0 || app1_size > 65533) {
        snprintf(message, message_size, "cannot encode a %d x %d JPEG with a %zu-byte APP1 segment", width, height,
                 app1_size);
        return -1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, (unsigned char **)&buffer, (unsigned long *)&size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    // As a camera writes it: EXIF (APP1) straight after the start of image, no JFIF header.
    info.write_JFIF_header = FALSE;
    jpeg_start_compress(&info, TRUE);
    if (app1 != NULL && app1_size > 0) jpeg_write_marker(&info, JPEG_APP0 + 1, app1, (unsigned int)app1_size);
    size_t stride = (size_t)width * 3;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * info.next_scanline);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    *out = buffer;
    *out_size = size;
    return 0;
}

// MARK: PNG

int hc_png_decode(const unsigned char *data, size_t size, hc_image *out) {
    memset(out, 0, sizeof(*out));
    png_image image;
    memset(&image, 0, sizeof(image));
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        snprintf(out->message, sizeof(out->message), "%s", image.message);
        png_image_free(&image);
        return -1;
    }
    image.format = PNG_FORMAT_RGBA;
    size_t bytes = PNG_IMAGE_SIZE(image);
    if (image.width == 0 || image.height == 0 || bytes / 4 / image.width != image.height) {
        snprintf(out->message, sizeof(out->message), "unsupported PNG size %u x %u", image.width, image.height);
        png_image_free(&image);
        return -1;
    }
    unsigned char *pixels = malloc(bytes);
    if (pixels == NULL) {
        snprintf(out->message, sizeof(out->message), "out of memory for a %u x %u image", image.width, image.height);
        png_image_free(&image);
        return -1;
    }
    if (!png_image_finish_read(&image, NULL, pixels, 0, NULL)) {
        snprintf(out->message, sizeof(out->message), "%s", image.message);
        free(pixels);
        png_image_free(&image);
        return -1;
    }
    if (image.warning_or_error & PNG_IMAGE_WARNING) {
        snprintf(out->message, sizeof(out->message), "%s", image.message);
        out->warning_count = 1;
    }
    out->pixels = pixels;
    out->width = (int)image.width;
    out->height = (int)image.height;
    out->channels = 4;
    return 0;
}

int hc_png_encode(const unsigned char *pixels, int width, int height, int channels, unsigned char **out,
                  size_t *out_size, char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    png_image image;
    memset(&image, 0, sizeof(image));
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = channels == 4 ? PNG_FORMAT_RGBA : channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    image.flags = PNG_IMAGE_FLAG_FAST;
    png_alloc_size_t size = 0;
    if (!png_image_write_get_memory_size(image, size, 0, pixels, 0, NULL)) {
        snprintf(message, message_size, "%s", image.message);
        return -1;
    }
    unsigned char *buffer = malloc(size);
    if (buffer == NULL) {
        snprintf(message, message_size, "out of memory for a PNG of %lu bytes", (unsigned long)size);
        return -1;
    }
    if (!png_image_write_to_memory(&image, buffer, &size, 0, pixels, 0, NULL)) {
        snprintf(message, message_size, "%s", image.message);
        free(buffer);
        return -1;
    }
    *out = buffer;
    *out_size = size;
    return 0;
}

void hc_free(void *pointer) { free(pointer); }
