/*
 * Fixed-size object caches carved from pages (mapping nodes, shared-memory
 * objects). A page whose objects are all free goes straight back to
 * kalloc, so free-page counts return to where they were once the objects
 * are freed (the leak checks of the test suites rely on it).
 *
 * Invariants: every page of a cache is on its `partial` list iff it has a
 * free object; page->inuse counts allocated objects in that page.
 * Lock: cache->lock protects the lists and every page header.
 */
#ifndef KITE_SLAB_H
#define KITE_SLAB_H

#include "lib/spinlock.h"

struct slab_page;

struct slab_cache {
  struct spinlock lock;
  const char *name;
  uint size;                      /* object size, rounded to 16 */
  struct slab_page *partial;      /* pages with at least one free object */
};

void  slab_init(struct slab_cache *c, const char *name, uint size);
void *slab_alloc(struct slab_cache *c);     /* zeroed; NULL when out of memory */
void  slab_free(struct slab_cache *c, void *obj);

#endif
