/* INCRBYFLOAT and HINCRBYFLOAT compute in C's long double, as Redis does, so results and their
 * text ("10.6", not "10.59999999999999964") match Redis byte for byte. Rust has no long double. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Redis refuses float arguments this long or longer. */
#define MAX_LONG_DOUBLE_CHARS (5 * 1024)

/* Parses text as Redis's string2ld does: no leading space, whole text consumed, no NaN. */
static int parse_long_double(const char *s, size_t len, long double *out) {
    char buf[MAX_LONG_DOUBLE_CHARS];
    char *end;
    long double value;
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    value = strtold(buf, &end);
    if (isspace((unsigned char)buf[0]) || end[0] != '\0' || (size_t)(end - buf) != len ||
        (errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL || fpclassify(value) == FP_ZERO)) ||
        errno == EINVAL || isnan(value))
        return 0;
    *out = value;
    return 1;
}

/* Adds `incr` to `current` (absent = 0) and writes the result as Redis's human-friendly text.
 * Returns the text length, or -1: bad current value, -2: bad increment, -3: NaN or infinity,
 * -4: result does not fit. */
int vermilion_incr_long_double(const char *current, size_t current_len, int has_current,
                               const char *incr, size_t incr_len, char *out, size_t out_len) {
    long double value = 0, delta;
    int len;
    char *dot;
    if (has_current && !parse_long_double(current, current_len, &value)) return -1;
    if (!parse_long_double(incr, incr_len, &delta)) return -2;
    value += delta;
    if (isnan(value) || isinf(value)) return -3;
    len = snprintf(out, out_len, "%.17Lf", value);
    if (len < 0 || (size_t)len + 1 > out_len) return -4;
    dot = strchr(out, '.');
    if (dot != NULL) {
        char *p = out + len - 1;
        while (*p == '0') { p--; len--; }
        if (*p == '.') len--;
    }
    if (len == 2 && out[0] == '-' && out[1] == '0') { out[0] = '0'; len = 1; }
    return len;
}
