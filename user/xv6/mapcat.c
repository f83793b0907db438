// mapcat: print files by mapping them into memory instead of read()ing
// them (the mmap lab's calls).
//
//   $ mapcat README
//
// mmap(0, len, PROT_READ, MAP_PRIVATE, fd, 0) gives the file's bytes at
// an address the kernel chooses; the mapping outlives close(fd) and
// goes with munmap(). The last page reads as zeros past the end.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "user/user.h"

static int
mapcat(char *path)
{
  struct stat st;
  char *p;
  int fd;

  if((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) < 0){
    fprintf(2, "mapcat: cannot open %s\n", path);
    return 1;
  }
  if(st.type != T_FILE){
    fprintf(2, "mapcat: %s is not a file\n", path);
    close(fd);
    return 1;
  }
  if(st.size == 0){
    close(fd);
    return 0;
  }
  p = mmap(0, st.size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if(p == (char *)-1){
    fprintf(2, "mapcat: cannot map %s\n", path);
    return 1;
  }
  for(uint64 off = 0; off < st.size; off += PGSIZE){
    int n = st.size - off < PGSIZE ? st.size - off : PGSIZE;
    if(write(1, p + off, n) != n){
      munmap(p, st.size);
      return 1;
    }
  }
  munmap(p, st.size);
  return 0;
}

int
main(int argc, char *argv[])
{
  int status = 0;

  if(argc < 2){
    fprintf(2, "usage: mapcat FILE...\n");
    exit(1);
  }
  for(int i = 1; i < argc; i++)
    status |= mapcat(argv[i]);
  exit(status);
}
