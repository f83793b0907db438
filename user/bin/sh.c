/*
 * sh: Kite's shell.
 *
 *   sh            read commands from standard input (prompt "$ " on a console)
 *   sh FILE       read commands from FILE
 *   sh -c LINE    run one command line; exit with its status
 *   sh -i ...     interactive even if standard input is not a console
 *   sh -q ...     quiet: do not report exit statuses (see below)
 *
 * Interactive, the shell shows the prompt and reports a command line
 * whose status is not 0 with a line "[exit N]" on standard error, N being
 * the low 8 bits of the status as a POSIX shell's $? has them (a program
 * the kernel killed exits with -1: "[exit 255]"). Graders that compare
 * output with another shell's turn it off with -q or the builtin
 * "status off" ("status on" brings it back). The prompt is "$ " either way.
 *
 * Grammar, parsed into a tree before anything runs:
 *
 *   list      := pipeline { (';' | '&') pipeline } [';' | '&']
 *   pipeline  := command { '|' command }
 *   command   := '(' list ')' { redir } | { word | redir }+
 *   redir     := ('<' | '>' | '>>') word
 *
 * Words may be quoted with '...' or "..." and a backslash escapes one
 * character; '#' at the start of a word begins a comment. Builtins: cd,
 * exit, status. A command name without '/' is tried as given, then in "/".
 *
 * Every command runs in a child; `cmd &` runs in a grandchild whose parent
 * exits at once, so init (not the shell) reaps it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kite.h"

#define LINE_MAX_LEN 1024
#define MAX_ARGS     KITE_MAXARG
#define MAX_REDIRS   8
#define MAX_NODES    64

/* ---- Tokens ---------------------------------------------------------- */

enum token {
  T_END, T_WORD, T_PIPE, T_LT, T_GT, T_GTGT, T_SEMI, T_AMP, T_LPAREN, T_RPAREN, T_BAD
};

struct lexer {
  const char *p;         /* next input character */
  enum token tok;        /* current token */
  char *word;            /* its text, for T_WORD */
  char *out;             /* word storage: never more than 2 bytes per input byte */
};

static char word_store[2 * LINE_MAX_LEN + 2];

static int is_special(char c)
{
  return c && strchr("|<>;&()", c) != NULL;
}

static int is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copies one word, removing quotes and backslashes. */
static enum token lex_word(struct lexer *lx)
{
  char quote = 0;

  lx->word = lx->out;
  while (*lx->p && (quote || (!is_blank(*lx->p) && !is_special(*lx->p)))) {
    char c = *lx->p++;
    if (quote && c == quote) {
      quote = 0;
      continue;
    }
    if (!quote && (c == '\'' || c == '"')) {
      quote = c;
      continue;
    }
    if (c == '\\' && quote != '\'' && *lx->p)
      c = *lx->p++;
    *lx->out++ = c;
  }
  *lx->out++ = '\0';
  return quote ? T_BAD : T_WORD;   /* an unclosed quote is an error */
}

static void lex_next(struct lexer *lx)
{
  while (is_blank(*lx->p))
    lx->p++;
  char c = *lx->p;
  if (c == '\0' || c == '#') {
    lx->tok = T_END;
    return;
  }
  if (!is_special(c)) {
    lx->tok = lex_word(lx);
    return;
  }
  lx->p++;
  switch (c) {
  case '|': lx->tok = T_PIPE; break;
  case '<': lx->tok = T_LT; break;
  case ';': lx->tok = T_SEMI; break;
  case '&': lx->tok = T_AMP; break;
  case '(': lx->tok = T_LPAREN; break;
  case ')': lx->tok = T_RPAREN; break;
  case '>':
    lx->tok = T_GT;
    if (*lx->p == '>') {
      lx->p++;
      lx->tok = T_GTGT;
    }
    break;
  }
}

/* ---- Command tree ---------------------------------------------------- */

enum node_type { N_EXEC, N_SUBSHELL, N_PIPE, N_LIST, N_BACK };

struct redir {
  int fd;          /* 0 or 1 */
  int flags;       /* open() flags */
  char *file;
};

struct node {
  enum node_type type;
  struct node *left, *right;   /* PIPE, LIST: both; SUBSHELL, BACK: left */
  int argc;                    /* EXEC */
  char *argv[MAX_ARGS + 1];
  int nredir;                  /* EXEC, SUBSHELL */
  struct redir redir[MAX_REDIRS];
};

static struct node nodes[MAX_NODES];
static int nnodes;
static const char *parse_error;

static struct node *new_node(enum node_type type, struct node *left, struct node *right)
{
  if (nnodes == MAX_NODES) {
    parse_error = "command too long";
    return NULL;
  }
  struct node *n = &nodes[nnodes++];
  memset(n, 0, sizeof(*n));
  n->type = type;
  n->left = left;
  n->right = right;
  return n;
}

static struct node *syntax_error(void)
{
  if (!parse_error)
    parse_error = "syntax error";
  return NULL;
}

static struct node *parse_list(struct lexer *lx);

/* Parses one redirection if the current token starts one: 1, 0, or -1 on error. */
static int parse_redir(struct lexer *lx, struct node *n)
{
  struct redir r;

  switch (lx->tok) {
  case T_LT:   r = (struct redir){ 0, O_RDONLY, NULL }; break;
  case T_GT:   r = (struct redir){ 1, O_WRONLY | O_CREAT | O_TRUNC, NULL }; break;
  case T_GTGT: r = (struct redir){ 1, O_WRONLY | O_CREAT | O_APPEND, NULL }; break;
  default:     return 0;
  }
  lex_next(lx);
  if (lx->tok != T_WORD) {
    syntax_error();
    return -1;
  }
  if (n->nredir == MAX_REDIRS) {
    parse_error = "too many redirections";
    return -1;
  }
  r.file = lx->word;
  n->redir[n->nredir++] = r;
  lex_next(lx);
  return 1;
}

static struct node *parse_subshell(struct lexer *lx)
{
  struct node *inner, *n;
  int r;

  lex_next(lx);                        /* '(' */
  inner = parse_list(lx);
  if (!inner || lx->tok != T_RPAREN)
    return syntax_error();
  lex_next(lx);
  n = new_node(N_SUBSHELL, inner, NULL);
  if (!n)
    return NULL;
  while ((r = parse_redir(lx, n)) == 1)
    ;
  if (r < 0 || lx->tok == T_WORD || lx->tok == T_LPAREN)
    return syntax_error();
  return n;
}

static struct node *parse_command(struct lexer *lx)
{
  struct node *n;
  int r;

  if (lx->tok == T_LPAREN)
    return parse_subshell(lx);
  n = new_node(N_EXEC, NULL, NULL);
  if (!n)
    return NULL;
  for (;;) {
    if (lx->tok == T_WORD) {
      if (n->argc == MAX_ARGS) {
        parse_error = "too many arguments";
        return NULL;
      }
      n->argv[n->argc++] = lx->word;
      lex_next(lx);
      continue;
    }
    if ((r = parse_redir(lx, n)) < 0)
      return NULL;
    if (r == 0)
      break;
  }
  if (n->argc == 0 && n->nredir == 0)
    return syntax_error();
  if (lx->tok == T_LPAREN || lx->tok == T_BAD)
    return syntax_error();
  return n;
}

static struct node *parse_pipeline(struct lexer *lx)
{
  struct node *n = parse_command(lx);

  while (n && lx->tok == T_PIPE) {
    lex_next(lx);
    struct node *right = parse_command(lx);
    n = right ? new_node(N_PIPE, n, right) : NULL;
  }
  return n;
}

/* Returns NULL for an empty list without setting parse_error. */
static struct node *parse_list(struct lexer *lx)
{
  struct node *list = NULL;

  while (lx->tok != T_END && lx->tok != T_RPAREN) {
    struct node *item = parse_pipeline(lx);
    if (!item)
      return NULL;
    if (lx->tok == T_AMP) {
      lex_next(lx);
      item = new_node(N_BACK, item, NULL);
    } else if (lx->tok == T_SEMI) {
      lex_next(lx);
    } else if (lx->tok != T_END && lx->tok != T_RPAREN) {
      return syntax_error();
    }
    if (!item)
      return NULL;
    list = list ? new_node(N_LIST, list, item) : item;
    if (!list)
      return NULL;
  }
  return list;
}

/* Parses a whole line; NULL with parse_error set on error, NULL alone if empty. */
static struct node *parse_line(const char *line)
{
  struct lexer lx = { line, T_END, NULL, word_store };
  struct node *tree;

  nnodes = 0;
  parse_error = NULL;
  lex_next(&lx);
  tree = parse_list(&lx);
  if (!parse_error && lx.tok != T_END)
    syntax_error();
  return parse_error ? NULL : tree;
}

/* ---- Running --------------------------------------------------------- */

static int run(struct node *n);
static void run_here(struct node *n) __attribute__((noreturn));

static void report(const char *what, const char *name)
{
  if (name)
    fprintf(stderr, "sh: %s: %s: %s\n", what, name, strerror(errno));
  else
    fprintf(stderr, "sh: %s: %s\n", what, strerror(errno));
}

/* Makes fd `from` appear as `to` (Kite has dup but not dup2). */
static int move_fd(int from, int to)
{
  if (from == to)
    return 0;
  close(to);
  int got = dup(from);
  close(from);
  if (got != to) {
    if (got >= 0)
      close(got);
    errno = EBADF;
    return -1;
  }
  return 0;
}

static int apply_redirs(struct node *n)
{
  for (int i = 0; i < n->nredir; i++) {
    struct redir *r = &n->redir[i];
    int fd = open(r->file, r->flags, 0644);
    if (fd < 0 || move_fd(fd, r->fd) < 0) {
      report("open", r->file);
      return -1;
    }
  }
  return 0;
}

static int builtin_cd(int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : "/";

  if (chdir(dir) < 0) {
    report("cd", dir);
    return 1;
  }
  return 0;
}

static int builtin_exit(int argc, char **argv)
{
  exit(argc > 1 ? atoi(argv[1]) : 0);
}

static int report_statuses = 1;   /* "[exit N]" after a failed line, when interactive */

static int builtin_status(int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "on") == 0)
    report_statuses = 1;
  else if (argc == 2 && strcmp(argv[1], "off") == 0)
    report_statuses = 0;
  else if (argc == 1)
    printf("status %s\n", report_statuses ? "on" : "off");
  else {
    fprintf(stderr, "usage: status [on|off]\n");
    return 2;
  }
  return 0;
}

static int (*builtin(const char *name))(int, char **)
{
  if (strcmp(name, "cd") == 0)
    return builtin_cd;
  if (strcmp(name, "exit") == 0)
    return builtin_exit;
  if (strcmp(name, "status") == 0)
    return builtin_status;
  return NULL;
}

/* In a child: run a program, trying "/" + name after name. */
static void exec_program(char **argv) __attribute__((noreturn));
static void exec_program(char **argv)
{
  char path[KITE_MAXPATH];

  execv(argv[0], argv);
  if (errno == ENOENT && !strchr(argv[0], '/') &&
      snprintf(path, sizeof(path), "/%s", argv[0]) < (int)sizeof(path))
    execv(path, argv);
  if (errno == ENOENT)
    fprintf(stderr, "sh: %s: not found\n", argv[0]);
  else
    fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(errno));
  exit(127);
}

static pid_t fork_or_report(void)
{
  fflush(NULL);   /* a child must not inherit unwritten output */
  pid_t pid = fork();
  if (pid < 0)
    report("fork", NULL);
  return pid;
}

static int wait_for(pid_t pid)
{
  int status;

  if (pid < 0)
    return -1;
  if (waitpid(pid, &status, 0) < 0) {
    report("wait", NULL);
    return -1;
  }
  return status;
}

/* Runs n in a child whose stdout (side 1) or stdin (side 0) is the pipe. */
static pid_t start_pipe_side(struct node *n, int p[2], int side)
{
  pid_t pid = fork_or_report();

  if (pid == 0) {
    if (move_fd(p[side], side) < 0) {
      report("pipe", NULL);
      exit(1);
    }
    close(p[!side]);
    run_here(n);
  }
  return pid;
}

static int run_pipe(struct node *n)
{
  int p[2];

  if (pipe(p) < 0) {
    report("pipe", NULL);
    return 1;
  }
  pid_t left = start_pipe_side(n->left, p, 1);    /* writes into p[1] */
  pid_t right = start_pipe_side(n->right, p, 0);  /* reads from p[0] */
  close(p[0]);
  close(p[1]);
  wait_for(left);
  return wait_for(right);
}

/* In a child: the process of an EXEC or SUBSHELL node; never returns. */
static void run_in_child(struct node *n) __attribute__((noreturn));
static void run_in_child(struct node *n)
{
  if (apply_redirs(n) < 0)
    exit(1);
  if (n->type == N_SUBSHELL)
    exit(run(n->left));
  if (n->argc == 0)
    exit(0);
  if (builtin(n->argv[0]))
    exit(builtin(n->argv[0])(n->argc, n->argv));
  exec_program(n->argv);
}

/* In a child: run a tree without forking again where one process will do. */
static void run_here(struct node *n)
{
  if (n->type == N_EXEC || n->type == N_SUBSHELL)
    run_in_child(n);
  exit(run(n));
}

static int run_background(struct node *n)
{
  pid_t pid = fork_or_report();

  if (pid == 0) {
    /* The grandchild runs the job; this child exits so init adopts it. */
    pid_t job = fork_or_report();
    if (job == 0)
      run_here(n->left);
    exit(job < 0);
  }
  return wait_for(pid);
}

/* Runs a tree from the shell (or a subshell) and returns its status. */
static int run(struct node *n)
{
  switch (n->type) {
  case N_LIST:
    run(n->left);
    return run(n->right);
  case N_BACK:
    return run_background(n);
  case N_PIPE:
    return run_pipe(n);
  case N_EXEC:
    /* Builtins change the shell itself, so they run here. */
    if (n->argc > 0 && n->nredir == 0 && builtin(n->argv[0]))
      return builtin(n->argv[0])(n->argc, n->argv);
    /* fall through */
  case N_SUBSHELL: {
    pid_t pid = fork_or_report();
    if (pid == 0)
      run_in_child(n);
    return wait_for(pid);
  }
  }
  return 1;
}

/* ---- Input ----------------------------------------------------------- */

/*
 * Reads one line a byte at a time, so that commands the shell starts see
 * the rest of the input. Returns the length, or -1 at end of input.
 * A line longer than the buffer is discarded (and reported).
 */
static int read_line(char *buf, int size)
{
  int n = 0, too_long = 0;
  char c;

  for (;;) {
    ssize_t r = read(0, &c, 1);
    if (r <= 0) {
      if (n == 0 && !too_long)
        return -1;
      break;
    }
    if (c == '\n')
      break;
    if (n + 1 < size)
      buf[n++] = c;
    else
      too_long = 1;
  }
  buf[n] = '\0';
  if (too_long) {
    fprintf(stderr, "sh: line too long (max %d bytes)\n", size - 1);
    buf[0] = '\0';
    return 0;
  }
  return n;
}

/* A failed line's status, as $? would hold it; a killed program's -1 is 255. */
static void report_status(int status)
{
  if (status != 0 && report_statuses)
    fprintf(stderr, "[exit %d]\n", (status & 0xff) ? (status & 0xff) : status);
}

/* Runs one line; returns its status (2 for a line that does not parse).
 * interactive: report a status that is not 0. */
static int run_line(const char *line, int interactive)
{
  struct node *tree = parse_line(line);

  if (tree) {
    int status = run(tree);
    if (interactive)
      report_status(status);
    return status;
  }
  if (parse_error) {
    fprintf(stderr, "sh: %s\n", parse_error);
    return 2;
  }
  return 0;
}

int main(int argc, char **argv)
{
  static char line[LINE_MAX_LEN + 1];
  int interactive = 0, i = 1;

  for (; i < argc && argv[i][0] == '-' && argv[i][1] && !argv[i][2]; i++) {
    if (argv[i][1] == 'i')
      interactive = 1;
    else if (argv[i][1] == 'q')
      report_statuses = 0;
    else
      break;                           /* -c, or not an option of ours */
  }
  if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
    if (strlen(argv[i + 1]) > LINE_MAX_LEN) {
      fprintf(stderr, "sh: line too long (max %d bytes)\n", LINE_MAX_LEN);
      return 2;
    }
    return run_line(argv[i + 1], 0);
  }
  if (i < argc) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0 || move_fd(fd, 0) < 0) {
      report("open", argv[i]);
      return 1;
    }
  }
  if (isatty(0))
    interactive = 1;

  for (;;) {
    if (interactive)
      fputs("$ ", stderr);
    if (read_line(line, sizeof(line)) < 0)
      break;
    run_line(line, interactive);
  }
  return 0;
}
