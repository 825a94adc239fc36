// The few gdk-pixbuf 2.x functions recall uses to decode pictures, declared here rather than
// through <gdk-pixbuf/gdk-pixbuf.h>: that header needs gdk-pixbuf's pkg-config flags, whose
// `-pthread` SwiftPM rejects with a warning on every build. These are gdk-pixbuf's stable C
// ABI (unchanged since 2.32); the library comes from Debian's libgdk-pixbuf-2.0-dev.
#ifndef RECALL_GDK_PIXBUF_SHIM_H
#define RECALL_GDK_PIXBUF_SHIM_H

typedef struct _GdkPixbuf GdkPixbuf;
typedef struct _GdkPixbufFormat GdkPixbufFormat;
typedef struct RecallPixbufError {
    unsigned int domain;
    int code;
    char *message;
} RecallPixbufError;

/// GDK_COLORSPACE_RGB, the only colour space gdk-pixbuf has.
static const int RecallPixbufColorspaceRGB = 0;

GdkPixbufFormat *gdk_pixbuf_get_file_info(const char *filename, int *width, int *height);
char *gdk_pixbuf_format_get_name(GdkPixbufFormat *format);
GdkPixbuf *gdk_pixbuf_new_from_file_at_scale(const char *filename, int width, int height,
                                             int preserve_aspect_ratio, RecallPixbufError **error);
int gdk_pixbuf_get_colorspace(const GdkPixbuf *pixbuf);
int gdk_pixbuf_get_n_channels(const GdkPixbuf *pixbuf);
int gdk_pixbuf_get_has_alpha(const GdkPixbuf *pixbuf);
int gdk_pixbuf_get_bits_per_sample(const GdkPixbuf *pixbuf);
int gdk_pixbuf_get_width(const GdkPixbuf *pixbuf);
int gdk_pixbuf_get_height(const GdkPixbuf *pixbuf);
int gdk_pixbuf_get_rowstride(const GdkPixbuf *pixbuf);
const unsigned char *gdk_pixbuf_read_pixels(const GdkPixbuf *pixbuf);
void g_object_unref(void *object);
void g_error_free(RecallPixbufError *error);
void g_free(void *memory);

#endif
