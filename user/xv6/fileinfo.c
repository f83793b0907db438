// fileinfo: what stat() says about each file named.
//
//   $ fileinfo README / console
//   README: file, inode 2, 1 link, 9512 bytes
//
// An example of xv6's user API on Kite: stat() and struct stat, the
// T_DIR/T_FILE/T_DEVICE types, printf and fprintf(2, ...).

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

static char *
type_name(short type)
{
  switch(type){
  case T_DIR:    return "directory";
  case T_FILE:   return "file";
  case T_DEVICE: return "device";
  }
  return "unknown";
}

int
main(int argc, char *argv[])
{
  struct stat st;
  int status = 0;

  if(argc < 2){
    fprintf(2, "usage: fileinfo FILE...\n");
    exit(1);
  }
  for(int i = 1; i < argc; i++){
    if(stat(argv[i], &st) < 0){
      fprintf(2, "fileinfo: cannot stat %s\n", argv[i]);
      status = 1;
      continue;
    }
    printf("%s: %s, inode %d, %d link%s, %ld bytes\n", argv[i], type_name(st.type),
           st.ino, st.nlink, st.nlink == 1 ? "" : "s", st.size);
  }
  exit(status);
}
