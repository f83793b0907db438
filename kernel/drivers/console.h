/*
 * The console device (major KITE_CONSOLE_MAJOR): a line discipline over
 * the UART. Reads return at most one line; editing: backspace/DEL erases a
 * character, ^U the line, ^D ends input (a read returns 0), ^P lists the
 * processes.
 */
#ifndef KITE_CONSOLE_H
#define KITE_CONSOLE_H

void console_init(void);
void console_intr(int c);

#endif
