// tree: list a directory and everything under it, indented.
//
//   $ tree /            (or: tree, for the current directory)
//
// An example of reading directories the xv6 way: open() the directory,
// read() struct dirent records (inum 0 marks a free slot; a name of
// DIRSIZ characters has no NUL), and fstat() each entry for its type.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"

static int files, dirs;

static void
show(char *path, int depth)
{
  char name[DIRSIZ + 1];
  struct dirent de;
  struct stat st;
  int fd, n;

  if((fd = open(path, O_RDONLY)) < 0){
    fprintf(2, "tree: cannot open %s\n", path);
    return;
  }
  n = strlen(path);
  while(read(fd, &de, sizeof(de)) == sizeof(de)){
    if(de.inum == 0)
      continue;
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if(strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    if(n + 1 + strlen(name) + 1 > MAXPATH){
      fprintf(2, "tree: %s/%s: path too long\n", path, name);
      continue;
    }
    path[n] = '/';
    strcpy(path + n + 1, name);
    for(int i = 0; i < depth; i++)
      printf("  ");
    if(stat(path, &st) < 0){
      printf("%s (cannot stat)\n", name);
    } else if(st.type == T_DIR){
      printf("%s/\n", name);
      dirs++;
      show(path, depth + 1);
    } else {
      printf("%s (%ld bytes)\n", name, st.size);
      files++;
    }
    path[n] = 0;
  }
  close(fd);
}

int
main(int argc, char *argv[])
{
  char path[MAXPATH];
  char *top = argc > 1 ? argv[1] : ".";

  if(strlen(top) + 1 > sizeof(path)){
    fprintf(2, "tree: path too long\n");
    exit(1);
  }
  strcpy(path, top);
  if(path[strlen(path) - 1] == '/' && strlen(path) > 1)
    path[strlen(path) - 1] = 0;
  printf("%s\n", top);
  show(strcmp(path, "/") == 0 ? "" : path, 1);
  printf("%d directories, %d files\n", dirs, files);
  exit(0);
}
