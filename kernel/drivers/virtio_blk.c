/*
 * virtio-blk driver, virtio-mmio transport version 2.
 *
 * The device and Kite share one page holding a split virtqueue:
 *
 *   page + 0                  descriptor table  VBLK_QSIZE x 16 bytes
 *   page + VBLK_AVAIL_OFF     available ring    (driver -> device)
 *   page + VBLK_USED_OFF      used ring         (device -> driver)
 *
 * A request is a chain of three descriptors: a 16-byte header saying
 * read/write and which 512-byte sector, the buffer's data, and one status
 * byte the device fills in. Kite puts the chain's head on the available
 * ring and writes QueueNotify; the device later puts the head on the used
 * ring and raises an interrupt. The header and status of a request live in
 * vblk.req[head] / vblk.status[head], so requests in flight never share
 * memory.
 */
#include "lib/types.h"
#include "lib/spinlock.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kalloc.h"
#include "proc/proc.h"
#include "drivers/platform.h"
#include "drivers/plic.h"
#include "drivers/virtio_blk.h"
#include "fs/buf.h"
#include <kite/errno.h>

/* virtio-mmio registers (virtio spec 4.2.2), byte offsets. */
#define VIRTIO_MMIO_MAGIC           0x000
#define VIRTIO_MMIO_VERSION         0x004
#define VIRTIO_MMIO_DEVICE_ID       0x008
#define VIRTIO_MMIO_DEV_FEATURES    0x010
#define VIRTIO_MMIO_DEV_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRV_FEATURES    0x020
#define VIRTIO_MMIO_DRV_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL       0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX   0x034
#define VIRTIO_MMIO_QUEUE_NUM       0x038
#define VIRTIO_MMIO_QUEUE_READY     0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY    0x050
#define VIRTIO_MMIO_INTR_STATUS     0x060
#define VIRTIO_MMIO_INTR_ACK        0x064
#define VIRTIO_MMIO_STATUS          0x070
#define VIRTIO_MMIO_QUEUE_DESC_LO   0x080
#define VIRTIO_MMIO_QUEUE_DESC_HI   0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LO  0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HI  0x094
#define VIRTIO_MMIO_QUEUE_USED_LO   0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HI   0x0a4
#define VIRTIO_MMIO_CONFIG_GEN      0x0fc
#define VIRTIO_MMIO_CONFIG          0x100   /* virtio-blk: u64 capacity (sectors) */

#define VIRTIO_MAGIC       0x74726976u      /* "virt" */
#define VIRTIO_DEV_BLOCK   2

/* Device status bits (virtio spec 2.1). */
#define VS_ACKNOWLEDGE  1
#define VS_DRIVER       2
#define VS_DRIVER_OK    4
#define VS_FEATURES_OK  8
#define VS_FAILED       128

/* Feature bits Kite knows about. */
#define VIRTIO_BLK_F_RO       5     /* read-only disk */
#define VIRTIO_F_VERSION_1    32    /* required by a modern device */

/* Split virtqueue layout (virtio spec 2.7). */
#define VRING_DESC_F_NEXT   1
#define VRING_DESC_F_WRITE  2       /* device writes this buffer */

struct vring_desc {
  uint64 addr;
  uint32 len;
  uint16 flags;
  uint16 next;
};

#define VBLK_QSIZE      32          /* descriptors; a power of two */
#define VBLK_AVAIL_OFF  (VBLK_QSIZE * sizeof(struct vring_desc))
#define VBLK_USED_OFF   2048

struct vring_avail {
  uint16 flags;
  uint16 idx;
  uint16 ring[VBLK_QSIZE];
  uint16 used_event;
};

struct vring_used_elem {
  uint32 id;
  uint32 len;
};

struct vring_used {
  uint16 flags;
  uint16 idx;
  struct vring_used_elem ring[VBLK_QSIZE];
  uint16 avail_event;
};

STATIC_ASSERT(VBLK_AVAIL_OFF + sizeof(struct vring_avail) <= VBLK_USED_OFF, "avail ring overlaps used ring");
STATIC_ASSERT(VBLK_USED_OFF + sizeof(struct vring_used) <= PGSIZE, "virtqueue does not fit a page");

/* Request header (virtio spec 5.2.6). */
#define VIRTIO_BLK_T_IN   0
#define VIRTIO_BLK_T_OUT  1
#define VIRTIO_BLK_S_OK   0

struct vblk_req_hdr {
  uint32 type;
  uint32 reserved;
  uint64 sector;
};

#define SECTORS_PER_BLOCK (KITE_BSIZE / 512)

static struct {
  struct spinlock lock;
  volatile uint32 *regs;          /* read-only after init */
  uint64 nsectors;                /* read-only after init */
  int readonly;                   /* read-only after init */

  /* vblk.lock protects everything below. */
  struct vring_desc *desc;
  struct vring_avail *avail;
  struct vring_used *used;
  uint8 free[VBLK_QSIZE];         /* 1: descriptor is free */
  int nfree;
  uint16 used_seen;               /* used->idx we have processed up to */
  struct buf *owner[VBLK_QSIZE];  /* indexed by chain head */
  struct vblk_req_hdr req[VBLK_QSIZE];
  uint8 status[VBLK_QSIZE];
} vblk;

static inline uint32 reg_read(int off)
{
  return vblk.regs[off / 4];
}

static inline void reg_write(int off, uint32 v)
{
  vblk.regs[off / 4] = v;
}

static void virtio_blk_intr(void);

/* Is the virtio-mmio slot at base a version-2 block device? */
static int probe(uint64 base)
{
  volatile uint32 *r = (volatile uint32 *)base;
  if (r[VIRTIO_MMIO_MAGIC / 4] != VIRTIO_MAGIC)
    return 0;
  if (r[VIRTIO_MMIO_DEVICE_ID / 4] != VIRTIO_DEV_BLOCK)
    return 0;
  if (r[VIRTIO_MMIO_VERSION / 4] != 2) {
    printf("kite: virtio-blk at %p is legacy (version %d); "
           "start QEMU with -global virtio-mmio.force-legacy=false\n",
           (void *)base, (int)r[VIRTIO_MMIO_VERSION / 4]);
    return 0;
  }
  return 1;
}

static uint64 read_features(void)
{
  reg_write(VIRTIO_MMIO_DEV_FEATURES_SEL, 1);
  uint64 hi = reg_read(VIRTIO_MMIO_DEV_FEATURES);
  reg_write(VIRTIO_MMIO_DEV_FEATURES_SEL, 0);
  uint64 lo = reg_read(VIRTIO_MMIO_DEV_FEATURES);
  return hi << 32 | lo;
}

static void write_features(uint64 f)
{
  reg_write(VIRTIO_MMIO_DRV_FEATURES_SEL, 1);
  reg_write(VIRTIO_MMIO_DRV_FEATURES, (uint32)(f >> 32));
  reg_write(VIRTIO_MMIO_DRV_FEATURES_SEL, 0);
  reg_write(VIRTIO_MMIO_DRV_FEATURES, (uint32)f);
}

/* Accept only VERSION_1 (mandatory for a modern device): Kite uses no
 * optional feature, so nothing else can change the device's behaviour. */
static void negotiate(void)
{
  uint64 offered = read_features();
  if (!(offered & (1UL << VIRTIO_F_VERSION_1)))
    panic("kite: virtio-blk: device does not offer VIRTIO_F_VERSION_1");
  vblk.readonly = (offered & (1UL << VIRTIO_BLK_F_RO)) != 0;
  write_features(1UL << VIRTIO_F_VERSION_1);
  reg_write(VIRTIO_MMIO_STATUS, reg_read(VIRTIO_MMIO_STATUS) | VS_FEATURES_OK);
  if (!(reg_read(VIRTIO_MMIO_STATUS) & VS_FEATURES_OK)) {
    reg_write(VIRTIO_MMIO_STATUS, VS_FAILED);
    panic("kite: virtio-blk: device refused the feature set");
  }
}

static void setup_queue(void)
{
  reg_write(VIRTIO_MMIO_QUEUE_SEL, 0);
  if (reg_read(VIRTIO_MMIO_QUEUE_READY))
    panic("kite: virtio-blk: queue 0 already in use");
  uint32 max = reg_read(VIRTIO_MMIO_QUEUE_NUM_MAX);
  if (max < VBLK_QSIZE)
    panic("kite: virtio-blk: queue holds %d descriptors, Kite needs %d", (int)max, VBLK_QSIZE);
  uint8 *page = kzalloc();
  if (!page)
    panic("kite: virtio-blk: no memory for the virtqueue");
  vblk.desc = (struct vring_desc *)page;
  vblk.avail = (struct vring_avail *)(page + VBLK_AVAIL_OFF);
  vblk.used = (struct vring_used *)(page + VBLK_USED_OFF);
  reg_write(VIRTIO_MMIO_QUEUE_NUM, VBLK_QSIZE);
  reg_write(VIRTIO_MMIO_QUEUE_DESC_LO, (uint32)(uint64)vblk.desc);
  reg_write(VIRTIO_MMIO_QUEUE_DESC_HI, (uint32)((uint64)vblk.desc >> 32));
  reg_write(VIRTIO_MMIO_QUEUE_AVAIL_LO, (uint32)(uint64)vblk.avail);
  reg_write(VIRTIO_MMIO_QUEUE_AVAIL_HI, (uint32)((uint64)vblk.avail >> 32));
  reg_write(VIRTIO_MMIO_QUEUE_USED_LO, (uint32)(uint64)vblk.used);
  reg_write(VIRTIO_MMIO_QUEUE_USED_HI, (uint32)((uint64)vblk.used >> 32));
  reg_write(VIRTIO_MMIO_QUEUE_READY, 1);
  for (int i = 0; i < VBLK_QSIZE; i++)
    vblk.free[i] = 1;
  vblk.nfree = VBLK_QSIZE;
}

/* The capacity may change under us only via a config-change interrupt;
 * the generation counter makes the two 32-bit reads one consistent value. */
static uint64 read_capacity(void)
{
  uint32 gen, lo, hi;
  do {
    gen = reg_read(VIRTIO_MMIO_CONFIG_GEN);
    lo = reg_read(VIRTIO_MMIO_CONFIG);
    hi = reg_read(VIRTIO_MMIO_CONFIG + 4);
  } while (gen != reg_read(VIRTIO_MMIO_CONFIG_GEN));
  return (uint64)hi << 32 | lo;
}

void virtio_blk_init(void)
{
  int slot = -1;
  initlock(&vblk.lock, "vblk");
  for (int i = 0; i < platform.nvirtio && slot < 0; i++)
    if (probe(platform.virtio[i].base))
      slot = i;
  if (slot < 0)
    panic("kite: no virtio-blk disk found (%d virtio-mmio slots); "
          "attach one with -device virtio-blk-device", platform.nvirtio);

  vblk.regs = (volatile uint32 *)platform.virtio[slot].base;
  /* Initialisation sequence of virtio spec 3.1.1. */
  reg_write(VIRTIO_MMIO_STATUS, 0);
  reg_write(VIRTIO_MMIO_STATUS, VS_ACKNOWLEDGE);
  reg_write(VIRTIO_MMIO_STATUS, VS_ACKNOWLEDGE | VS_DRIVER);
  negotiate();
  setup_queue();
  vblk.nsectors = read_capacity();
  irq_register(platform.virtio[slot].irq, virtio_blk_intr);
  reg_write(VIRTIO_MMIO_STATUS, reg_read(VIRTIO_MMIO_STATUS) | VS_DRIVER_OK);
  printf("virtio-blk: %d KiB disk%s at %p irq %d\n",
         (int)(vblk.nsectors / 2), vblk.readonly ? " (read-only)" : "",
         (void *)platform.virtio[slot].base, platform.virtio[slot].irq);
}

uint64 virtio_blk_nblocks(void)
{
  return vblk.nsectors / SECTORS_PER_BLOCK;
}

/* Take three free descriptors into idx[]; 0, or -1 if fewer are free.
 * Caller holds vblk.lock. */
static int alloc3(int idx[3])
{
  if (vblk.nfree < 3)
    return -1;
  for (int i = 0, n = 0; n < 3; i++) {
    if (vblk.free[i]) {
      vblk.free[i] = 0;
      idx[n++] = i;
    }
  }
  vblk.nfree -= 3;
  return 0;
}

/* Return a chain's descriptors to the free list. Caller holds vblk.lock. */
static void free_chain(int head)
{
  int i = head;
  for (;;) {
    ASSERT(!vblk.free[i]);
    int flags = vblk.desc[i].flags, next = vblk.desc[i].next;
    memset(&vblk.desc[i], 0, sizeof vblk.desc[i]);
    vblk.free[i] = 1;
    vblk.nfree++;
    if (!(flags & VRING_DESC_F_NEXT))
      break;
    i = next;
  }
  wakeup(&vblk.free);
}

static void fill_desc(int i, void *addr, uint32 len, uint16 flags, int next)
{
  vblk.desc[i].addr = (uint64)addr;
  vblk.desc[i].len = len;
  vblk.desc[i].flags = flags;
  vblk.desc[i].next = next;
}

/* Build the three-descriptor chain for b and offer it to the device.
 * Caller holds vblk.lock. */
static void offer(struct buf *b, uint64 blockno, int write, int idx[3])
{
  int head = idx[0];
  vblk.req[head].type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
  vblk.req[head].reserved = 0;
  vblk.req[head].sector = blockno * SECTORS_PER_BLOCK;
  vblk.status[head] = 0xff;   /* the device overwrites it */
  vblk.owner[head] = b;

  fill_desc(idx[0], &vblk.req[head], sizeof vblk.req[head], VRING_DESC_F_NEXT, idx[1]);
  fill_desc(idx[1], b->data, KITE_BSIZE,
            VRING_DESC_F_NEXT | (write ? 0 : VRING_DESC_F_WRITE), idx[2]);
  fill_desc(idx[2], &vblk.status[head], 1, VRING_DESC_F_WRITE, 0);

  b->disk = 1;
  vblk.avail->ring[vblk.avail->idx % VBLK_QSIZE] = head;
  __sync_synchronize();       /* the ring entry before the index */
  vblk.avail->idx++;
  __sync_synchronize();       /* the index before the notification */
  reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

void virtio_blk_submit(struct buf *b, uint64 blockno, int write)
{
  ASSERT(!b->disk);
  b->err = 0;
  if (blockno + 1 > virtio_blk_nblocks() || (write && vblk.readonly)) {
    b->err = -KITE_EIO;       /* never reaches the device: nothing to wait for */
    return;
  }
  int idx[3];
  acquire(&vblk.lock);
  while (alloc3(idx) < 0)
    sleep(&vblk.free, &vblk.lock);
  offer(b, blockno, write, idx);
  release(&vblk.lock);
}

void virtio_blk_wait(struct buf *b)
{
  acquire(&vblk.lock);
  while (b->disk)
    sleep(b, &vblk.lock);
  release(&vblk.lock);
}

void virtio_blk_rw(struct buf *b, int write)
{
  virtio_blk_submit(b, b->blockno, write);
  virtio_blk_wait(b);
}

/* Retire every request the device has finished since the last call. */
static void virtio_blk_intr(void)
{
  acquire(&vblk.lock);
  /* Acknowledge first: a completion arriving while we drain the ring
   * raises a new interrupt instead of being lost. */
  reg_write(VIRTIO_MMIO_INTR_ACK, reg_read(VIRTIO_MMIO_INTR_STATUS) & 0x3);
  __sync_synchronize();
  while (vblk.used_seen != vblk.used->idx) {
    __sync_synchronize();     /* the index before the entry it covers */
    uint32 head = vblk.used->ring[vblk.used_seen % VBLK_QSIZE].id;
    vblk.used_seen++;
    if (head >= VBLK_QSIZE || !vblk.owner[head]) {
      printf("kite: virtio-blk: device completed unknown request %d\n", (int)head);
      continue;
    }
    struct buf *b = vblk.owner[head];
    vblk.owner[head] = NULL;
    if (vblk.status[head] != VIRTIO_BLK_S_OK) {
      printf("kite: virtio-blk: I/O error (status %d) on block %d\n",
             vblk.status[head], b->blockno);
      b->err = -KITE_EIO;
    }
    free_chain(head);
    b->disk = 0;
    wakeup(b);
  }
  release(&vblk.lock);
}
