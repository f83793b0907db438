/* exec: replace the current process's image with a program from the file system. */
#ifndef KITE_EXEC_H
#define KITE_EXEC_H

/* argv: kernel strings, NULL-terminated. Returns argc (the new a0) or a
 * negative errno, in which case the caller's image is untouched. */
long kexec(const char *path, char **argv);

#endif
