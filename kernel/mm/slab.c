/* Object caches; see slab.h. */
#include "mm/slab.h"
#include "mm/kalloc.h"
#include "arch/riscv.h"
#include "lib/printf.h"
#include "lib/string.h"

struct slab_obj { struct slab_obj *next; };

/* At the start of every slab page; objects follow. */
struct slab_page {
  struct slab_page *next, *prev;  /* on cache->partial */
  struct slab_obj *free;
  uint inuse;
  struct slab_cache *cache;
};

#define FIRST_OBJ (((uint)sizeof(struct slab_page) + 15) & ~15u)

void slab_init(struct slab_cache *c, const char *name, uint size)
{
  initlock(&c->lock, name);
  c->name = name;
  c->size = (size + 15) & ~15u;
  c->partial = NULL;
  if (c->size > PGSIZE - FIRST_OBJ)
    panic("slab_init: %s objects too big", name);
}

static void unlink_page(struct slab_cache *c, struct slab_page *pg)
{
  if (pg->prev)
    pg->prev->next = pg->next;
  else
    c->partial = pg->next;
  if (pg->next)
    pg->next->prev = pg->prev;
  pg->next = pg->prev = NULL;
}

static void push_page(struct slab_cache *c, struct slab_page *pg)
{
  pg->prev = NULL;
  pg->next = c->partial;
  if (c->partial)
    c->partial->prev = pg;
  c->partial = pg;
}

/* A fresh page with every object on its free list. */
static struct slab_page *new_page(struct slab_cache *c)
{
  struct slab_page *pg = kalloc();
  if (pg == NULL)
    return NULL;
  memset(pg, 0, sizeof *pg);
  pg->cache = c;
  uint n = (PGSIZE - FIRST_OBJ) / c->size;
  for (uint i = n; i-- > 0; ) {
    struct slab_obj *o = (struct slab_obj *)((char *)pg + FIRST_OBJ + i * c->size);
    o->next = pg->free;
    pg->free = o;
  }
  return pg;
}

void *slab_alloc(struct slab_cache *c)
{
  acquire(&c->lock);
  if (c->partial == NULL) {
    release(&c->lock);
    struct slab_page *pg = new_page(c);      /* allocate outside the lock */
    if (pg == NULL)
      return NULL;
    acquire(&c->lock);
    push_page(c, pg);
  }
  struct slab_page *pg = c->partial;
  struct slab_obj *o = pg->free;
  pg->free = o->next;
  pg->inuse++;
  if (pg->free == NULL)
    unlink_page(c, pg);
  release(&c->lock);
  memset(o, 0, c->size);
  return o;
}

void slab_free(struct slab_cache *c, void *obj)
{
  struct slab_page *pg = (struct slab_page *)PGROUNDDOWN((uint64)obj);
  if (pg->cache != c)
    panic("slab_free: %p is not a %s object", obj, c->name);
  acquire(&c->lock);
  if (pg->inuse == 0)
    panic("slab_free: %s page %p has no objects in use", c->name, pg);
  struct slab_obj *o = obj;
  int was_full = pg->free == NULL;
  o->next = pg->free;
  pg->free = o;
  pg->inuse--;
  if (was_full)
    push_page(c, pg);
  if (pg->inuse == 0) {
    unlink_page(c, pg);
    release(&c->lock);
    kfree(pg);
    return;
  }
  release(&c->lock);
}
