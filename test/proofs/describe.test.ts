import assert from 'node:assert/strict';
import { describePte, describePteChange, describeSlot, regionOfAddress } from '../../proofs/describe.ts';
import { DEFAULT_LAYOUT } from '../../proofs/layout.ts';

/** Sv39 flag bits, written out by hand here (not taken from the code under test). */
const V = 1n, R = 2n, W = 4n, X = 8n;

describe('proofs/describe: counterexamples in the reviewer\'s terms', () => {
  it('decodes a writable 2 MiB megapage at the base of model DRAM into its fields, frames, addresses and regions', () => {
    const ppn = DEFAULT_LAYOUT.modelDram.base; // 0x2000000, 512-aligned
    const d = describePte(DEFAULT_LAYOUT, 1n, (ppn << 10n) | V | R | W);
    assert.equal(d['kind'], 'leaf');
    assert.equal(d['flags'], 'VRW-----');
    assert.equal(d['pageSize'], '2 MiB');
    assert.equal(d['frames'], '[0x2000000, 0x2000200)');
    assert.equal(d['physicalAddresses'], '[0x2000000000, 0x2000200000)');
    assert.equal(d['firstFrameIn'], 'modelDram');
    // The executable region starts 64 KiB (16 frames) into model DRAM: the megapage's last frame is code.
    assert.equal(d['lastFrameIn'], 'executable');
  });

  it('decodes a pointer entry and names the reserved, PBMT and N bits when set', () => {
    const table = DEFAULT_LAYOUT.pageTables.base;
    const pointer = describePte(DEFAULT_LAYOUT, 2n, (table << 10n) | V);
    assert.equal(pointer['kind'], 'pointer to next-level table');
    assert.equal(pointer['tableAddress'], '0x80000000');
    assert.equal(pointer['tableFrameIn'], 'pageTables');
    const napot = describePte(DEFAULT_LAYOUT, 0n, (1n << 63n) | (2n << 61n) | V | R);
    assert.equal(napot['reservedPbmtN'], 'bits 63:54 = 0x300 (reserved 0x0, PBMT 2, N 1)');
  });

  it('lists exactly the fields a write changes, flags by name and bit, the PPN by value', () => {
    const before = (0x2000010n << 10n) | V | R | X;
    const after = (0x2000011n << 10n) | V | R | W;
    assert.deepEqual(describePteChange(before, after), ['W 0→1 (bit 2)', 'X 1→0 (bit 3)', 'PPN 0x2000010→0x2000011 (bits 53:10)']);
    assert.deepEqual(describePteChange(before, before), []);
    assert.deepEqual(describePteChange(0n, 1n << 60n), ['reserved 0x0→0x40 (bits 60:54)']);
  });

  it('names a slot by its level, the virtual-address bits indexing it and the span it maps', () => {
    assert.match(describeSlot(0n), /level-0 page table \(indexed by virtual address bits 20:12; one entry spans 4 KiB/);
    assert.match(describeSlot(2n), /level-2 page table \(indexed by virtual address bits 38:30; one entry spans 1 GiB/);
    assert.match(describeSlot(3n), /Sv39 does not have/);
  });

  it('routes an address with high bits set to the region of its low 56 bits, as the interconnect does', () => {
    const hypervisor = DEFAULT_LAYOUT.hypervisorDram.base << 12n;
    assert.equal(regionOfAddress(DEFAULT_LAYOUT, hypervisor), 'hypervisorDram');
    assert.equal(regionOfAddress(DEFAULT_LAYOUT, hypervisor | (1n << 60n)), 'hypervisorDram');
    assert.equal(regionOfAddress(DEFAULT_LAYOUT, 0n), 'unmapped');
  });
});
