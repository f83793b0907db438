/*
 * Kite open(2) flags and lseek(2) whence values: the user-kernel ABI.
 * The flag values are newlib's (sys/_default_fcntl.h), so a program's
 * O_* constants pass through the user library unchanged.
 */
#ifndef KITE_FCNTL_H
#define KITE_FCNTL_H

#define KITE_O_RDONLY     0x0000
#define KITE_O_WRONLY     0x0001
#define KITE_O_RDWR       0x0002
#define KITE_O_ACCMODE    0x0003
#define KITE_O_APPEND     0x0008
#define KITE_O_CREAT      0x0200
#define KITE_O_TRUNC      0x0400
#define KITE_O_EXCL       0x0800
#define KITE_O_DIRECTORY  0x200000

#define KITE_SEEK_SET     0
#define KITE_SEEK_CUR     1
#define KITE_SEEK_END     2

#endif
