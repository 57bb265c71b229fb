#ifndef HERITAGE_PROCESS_MEMORY_H
#define HERITAGE_PROCESS_MEMORY_H

/* Gives the pages of freed heap memory back to the system (glibc's malloc_trim), so the next
   stage of a long computation does not peak on top of what the last one freed. Returns 1 if
   memory was released, 0 if none was or the C library has no such call. */
int heritage_release_free_memory(void);

#endif
