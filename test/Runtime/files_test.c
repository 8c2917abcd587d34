// The file API of the runtime (nl_file_*, nl_error_message, nl_env_get),
// from C, on both flavours: a Linux process reading and writing real files,
// and the unikernel reading the files of its boot module (an archive made
// by Inputs/make_archive.py, an implementation of the format independent of
// nlc's). The program reads argument 1, maps it, and writes argument 2 when
// given.
//
// RUN: rm -rf %t.dir && mkdir %t.dir && printf 'hello, files\n' > %t.dir/a.txt
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t
// RUN: env NL_TEST_VAR=forty-two %t %t.dir/a.txt %t.dir/out.txt | FileCheck %s --check-prefixes=CHECK,HOSTED --match-full-lines
// RUN: FileCheck %s --check-prefix=OUT --match-full-lines < %t.dir/out.txt
//
//      CHECK:missing: -2 No such file or directory
// CHECK-NEXT:bad mode: -22 Invalid argument
// CHECK-NEXT:nul in path: -22 Invalid argument
// CHECK-NEXT:size 13
// CHECK-NEXT:read 5 [hello]
// CHECK-NEXT:seek 7 read 6 [files
// CHECK-NEXT:]
// CHECK-NEXT:at end: 0
// CHECK-NEXT:seek before start: -22 Invalid argument
// CHECK-NEXT:mapped: [hello, files
// CHECK-NEXT:] same as read: 1
// HOSTED-NEXT:written to the map, read again: 1
// BARE-NEXT:written to the map, read again: 0
// CHECK-NEXT:closed: 0, again: -9 Bad file descriptor
// CHECK-NEXT:env NL_TEST_VAR: [forty-two] length 9
// CHECK-NEXT:env unset: null -1
// HOSTED-NEXT:write: 11 close 0
// HOSTED-NEXT:read back: 11
// HOSTED-NEXT:append: 4, size 15
// HOSTED-NEXT:directory: -21 Is a directory
// OUT:written out
// OUT-NEXT:ok!
//
// The unikernel's run is test/BareMetal/files.test; its own lines:
// BARE-NEXT:write: -9 Bad file descriptor
// BARE-NEXT:open for writing: -30 Read-only file system

#include "nl_runtime.h"

static void str(const char *s) {
  int64_t n = 0;
  while (s[n] != '\0')
    ++n;
  nl_print_str(s, n);
}

static void status(const char *what, int64_t code) {
  str(what);
  nl_print_i64(code);
  if (code < 0) {
    str(" ");
    nl_print_str(nl_error_message(code), nl_error_message_len(code));
  }
  nl_print_newline();
}

int32_t nl_main(void) {
  status("missing: ", nl_file_open("no/such/file", 12, NL_FILE_READ));
  const char *path = nl_arg_ptr(1);
  int64_t path_len = nl_arg_len(1);
  status("bad mode: ", nl_file_open(path, path_len, 9));
  status("nul in path: ", nl_file_open("a\0b", 3, NL_FILE_READ));
  int64_t fd = nl_file_open(path, path_len, NL_FILE_READ);
  if (fd < 0) {
    status("open: ", fd);
    return 2;
  }
  int64_t size = nl_file_size(fd);
  status("size ", size);
  char buf[64];
  int64_t got = nl_file_read(fd, buf, 5);
  str("read "), nl_print_i64(got), str(" ["), nl_print_str(buf, got), str("]\n");
  int64_t pos = nl_file_seek(fd, 7, 0);
  got = nl_file_read(fd, buf, sizeof buf);
  str("seek "), nl_print_i64(pos), str(" read "), nl_print_i64(got);
  str(" ["), nl_print_str(buf, got), str("]\n");
  status("at end: ", nl_file_read(fd, buf, sizeof buf));
  status("seek before start: ", nl_file_seek(fd, -1, 0));
  int64_t error;
  char *map = nl_file_map(fd, &error);
  if (map == NULL) {
    status("map: ", error);
    return 2;
  }
  nl_file_seek(fd, 0, 0);
  got = nl_file_read(fd, buf, sizeof buf);
  bool same = got == size;
  for (int64_t i = 0; same && i < size; ++i)
    same = map[i] == buf[i];
  str("mapped: ["), nl_print_str(map, size), str("] same as read: ");
  nl_print_i64(same), nl_print_newline();
  // Hosted, the mapping is private: the program may write to it and the file
  // stays as it was. On bare metal the mapping is the boot module's memory,
  // which later reads of the file see (the host's file never changes).
  map[0] = 'J';
  nl_file_seek(fd, 0, 0);
  nl_file_read(fd, buf, 1);
  str("written to the map, read again: "), nl_print_i64(buf[0] == 'h');
  nl_print_newline();
  nl_free(map);
  int64_t closed = nl_file_close(fd);
  str("closed: "), nl_print_i64(closed);
  status(", again: ", nl_file_close(fd));
  const char *value = nl_env_get("NL_TEST_VAR", 11);
  str("env NL_TEST_VAR: ["), str(value), str("] length ");
  nl_print_i64(nl_env_len("NL_TEST_VAR", 11)), nl_print_newline();
  value = nl_env_get("NL_TEST_UNSET", 13);
  str("env unset: "), str(value == NULL ? "null " : "set ");
  nl_print_i64(nl_env_len("NL_TEST_UNSET", 13)), nl_print_newline();
  if (nl_argc() < 3) {
    status("write: ", nl_file_write(fd, "x", 1));
    status("open for writing: ", nl_file_open(path, path_len, NL_FILE_WRITE));
    return 1;
  }
  const char *out = nl_arg_ptr(2);
  int64_t out_len = nl_arg_len(2);
  int64_t w = nl_file_open(out, out_len, NL_FILE_WRITE);
  int64_t put = nl_file_write(w, "written out", 11);
  str("write: "), nl_print_i64(put);
  status(" close ", nl_file_close(w));
  w = nl_file_open(out, out_len, NL_FILE_READ);
  status("read back: ", nl_file_read(w, buf, sizeof buf));
  nl_file_close(w);
  w = nl_file_open(out, out_len, NL_FILE_APPEND);
  put = nl_file_write(w, "\nok!", 4);
  str("append: "), nl_print_i64(put);
  status(", size ", nl_file_size(w));
  nl_file_close(w);
  status("directory: ", nl_file_open(".", 1, NL_FILE_READ));
  return 0;
}
