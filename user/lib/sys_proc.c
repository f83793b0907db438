/*
 * Processes: fork, exec, exit, wait, kill.
 *
 * Exit status is xv6's: wait() stores the value the child passed to exit()
 * unchanged, and -1 for a process the kernel killed. newlib's WIFEXITED /
 * WEXITSTATUS macros assume the Unix encoding and do not apply.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ulib.h"

/*
 * The kernel only has "wait for any child". waitpid(pid) waits until that
 * child is reaped; the other children reaped meanwhile are kept here and
 * handed out, oldest first, by later wait()/waitpid() calls, so no exit
 * status is lost.
 */
struct kite_reaped {
  pid_t pid;
  int status;
};
static struct kite_reaped reaped[KITE_NPROC];
static int nreaped;

static void reaped_keep(pid_t pid, int status)
{
  if (nreaped < KITE_NPROC)
    reaped[nreaped++] = (struct kite_reaped){ pid, status };
}

/* Take the first kept child matching pid (-1: any); 0 if none. */
static pid_t reaped_take(pid_t pid, int *status)
{
  for (int i = 0; i < nreaped; i++) {
    if (pid != -1 && reaped[i].pid != pid)
      continue;
    pid_t found = reaped[i].pid;
    if (status)
      *status = reaped[i].status;
    memmove(&reaped[i], &reaped[i + 1], (nreaped - i - 1) * sizeof(reaped[0]));
    nreaped--;
    return found;
  }
  return 0;
}

pid_t _fork(void)
{
  long ret = KSYS0(SYS_fork);

  if (ret == 0)
    nreaped = 0;   /* the parent's children are not ours */
  return kite_result(ret);
}

pid_t _wait(int *status)
{
  pid_t pid = reaped_take(-1, status);

  if (pid > 0)
    return pid;
  return kite_result(KSYS1(SYS_wait, status));
}

/* pid > 0 or -1; options must be 0 (Kite cannot wait without blocking). */
pid_t waitpid(pid_t pid, int *status, int options)
{
  if (options != 0 || pid == 0 || pid < -1)
    return kite_fail(EINVAL);
  if (pid == -1)
    return _wait(status);
  if (reaped_take(pid, status) == pid)
    return pid;
  for (;;) {
    int st;
    long got = KSYS1(SYS_wait, &st);
    if (kite_is_error(got))
      return kite_result(got);
    if (got == pid) {
      if (status)
        *status = st;
      return pid;
    }
    reaped_keep(got, st);
  }
}

/* Kite has no environment: envp is ignored. */
int _execve(const char *path, char *const argv[], char *const envp[])
{
  (void)envp;
  return kite_result(KSYS2(SYS_exec, path, argv));
}

int kite_exec(const char *path, char *const argv[])
{
  return kite_result(KSYS2(SYS_exec, path, argv));
}

int execv(const char *path, char *const argv[])
{
  return kite_exec(path, argv);
}

/* The search path is "/" alone: Kite keeps its programs in the root. */
int execvp(const char *file, char *const argv[])
{
  char path[KITE_MAXPATH];

  if (strchr(file, '/'))
    return kite_exec(file, argv);
  if (strlen(file) + 2 > sizeof(path))
    return kite_fail(ENAMETOOLONG);
  path[0] = '/';
  strcpy(path + 1, file);
  return kite_exec(path, argv);
}

void _exit(int status)
{
  KSYS1(SYS_exit, status);
  for (;;)
    ;
}

/* Kite has no signals: any signal number kills the process. */
int _kill(pid_t pid, int sig)
{
  (void)sig;
  return kite_result(KSYS1(SYS_kill, pid));
}

pid_t _getpid(void)
{
  return kite_result(KSYS0(SYS_getpid));
}

pid_t getppid(void)
{
  return kite_result(KSYS0(SYS_getppid));
}
