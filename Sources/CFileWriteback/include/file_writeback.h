#ifndef HERITAGE_FILE_WRITEBACK_H
#define HERITAGE_FILE_WRITEBACK_H

#include <stdint.h>

/// Asks the system to start writing the bytes [offset, offset + length) of the open file
/// `descriptor` to disk, without waiting for them (Linux sync_file_range with
/// SYNC_FILE_RANGE_WRITE). Returns 0, or -1 with errno set; elsewhere it does nothing.
int heritage_start_writeback(int descriptor, int64_t offset, int64_t length);

#endif
