// ncursesw for Swift: the wide-character API, plus accessors for the C globals and macros Swift cannot
// import. Curses is not thread-safe, so the accessors are bound to the main actor.
#ifndef WHET_CNCURSES_SHIM_H
#define WHET_CNCURSES_SHIM_H

#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#define WHET_MAIN_ACTOR __attribute__((swift_attr("@MainActor")))

WHET_MAIN_ACTOR static inline WINDOW *whet_stdscr(void) { return stdscr; }
WHET_MAIN_ACTOR static inline int whet_lines(void) { return LINES; }
WHET_MAIN_ACTOR static inline int whet_cols(void) { return COLS; }
WHET_MAIN_ACTOR static inline int whet_colors(void) { return COLORS; }
WHET_MAIN_ACTOR static inline int whet_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t whet_a_bold(void) { return A_BOLD; }
static inline attr_t whet_a_dim(void) { return A_DIM; }
static inline attr_t whet_a_reverse(void) { return A_REVERSE; }
static inline attr_t whet_a_underline(void) { return A_UNDERLINE; }
static inline attr_t whet_a_italic(void) { return A_ITALIC; }
static inline attr_t whet_a_normal(void) { return A_NORMAL; }

/// Draws one cell (a grapheme given as wide characters) with attributes and a colour pair at (y, x).
WHET_MAIN_ACTOR static inline int whet_put_cell(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

/// Reads one key or character without blocking longer than the window's timeout.
WHET_MAIN_ACTOR static inline int whet_get_key(wint_t *out) { return wget_wch(stdscr, out); }

/// Reports which mouse event is pending, as button state and position.
WHET_MAIN_ACTOR static inline int whet_get_mouse(int *y, int *x, unsigned long *state) {
    MEVENT event;
    if (getmouse(&event) != OK) return ERR;
    *y = event.y; *x = event.x; *state = (unsigned long)event.bstate;
    return OK;
}

static inline unsigned long whet_button1_pressed(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED; }
static inline unsigned long whet_button4_pressed(void) { return BUTTON4_PRESSED; }
#if NCURSES_MOUSE_VERSION > 1
static inline unsigned long whet_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
static inline unsigned long whet_button5_pressed(void) { return 0x8000000UL; }
#endif

#endif
