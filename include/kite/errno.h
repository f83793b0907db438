/*
 * Kite error numbers: the user-kernel ABI.
 *
 * System calls fail by returning the negative of one of these numbers.
 * The values are newlib's (sys/errno.h), so the user library can store
 * -ret straight into errno; user/lib checks this with static assertions.
 */
#ifndef KITE_ERRNO_H
#define KITE_ERRNO_H

#define KITE_EPERM          1   /* operation not permitted */
#define KITE_ENOENT         2   /* no such file or directory */
#define KITE_ESRCH          3   /* no such process */
#define KITE_EINTR          4   /* interrupted (process killed) */
#define KITE_EIO            5   /* I/O error */
#define KITE_ENXIO          6   /* no such device */
#define KITE_E2BIG          7   /* argument list too long */
#define KITE_ENOEXEC        8   /* not an executable Kite can load */
#define KITE_EBADF          9   /* bad file descriptor */
#define KITE_ECHILD        10   /* no child processes */
#define KITE_EAGAIN        11   /* try again */
#define KITE_ENOMEM        12   /* out of memory */
#define KITE_EACCES        13   /* permission denied */
#define KITE_EFAULT        14   /* bad user address */
#define KITE_EBUSY         16   /* resource busy */
#define KITE_EEXIST        17   /* file exists */
#define KITE_EXDEV         18   /* cross-device link */
#define KITE_ENODEV        19   /* no such device */
#define KITE_ENOTDIR       20   /* not a directory */
#define KITE_EISDIR        21   /* is a directory */
#define KITE_EINVAL        22   /* invalid argument */
#define KITE_ENFILE        23   /* file table full */
#define KITE_EMFILE        24   /* too many open files */
#define KITE_ENOTTY        25   /* not a terminal */
#define KITE_EFBIG         27   /* file too large */
#define KITE_ENOSPC        28   /* no space left on device */
#define KITE_ESPIPE        29   /* illegal seek */
#define KITE_EMLINK        31   /* too many links */
#define KITE_EPIPE         32   /* broken pipe */
#define KITE_ERANGE        34   /* result out of range */
#define KITE_ENOSYS        88   /* no such system call */
#define KITE_ENOTEMPTY     90   /* directory not empty */
#define KITE_ENAMETOOLONG  91   /* file name or string too long */

#endif
