/*
 * C side of program start: set up newlib, run main, exit with its value.
 */
#include <stdlib.h>

extern char **environ;
extern int main(int argc, char **argv);
extern void __libc_init_array(void);
extern void __libc_fini_array(void);

void _kite_start(int argc, char **argv) __attribute__((noreturn));

/* Kite has no environment: exec passes argv only. */
static char *kite_empty_environ[1];

void _kite_start(int argc, char **argv)
{
  environ = kite_empty_environ;
  /* Destructors run at exit(), before stdio is flushed and closed. */
  atexit(__libc_fini_array);
  __libc_init_array();
  exit(main(argc, argv));
}
