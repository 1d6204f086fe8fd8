using System;
using Spte.Sample.AnalyzerTour;
using Spte.Sample.AnalyzerTour.Formats;

// Runs each buggy path from the tour and shows what it does to the entries, next to what
// IsPresent / NonPresent say. The build printed the warnings that point at each of them.

var sp = new ShadowPage();
var mapped = EptSpte.NonPresent.WithReadable(true).WithPfn(0x1234).WithMmuPresent(true);
sp.Spt[7] = mapped.Raw;

ZapPaths.MmuSpteClearNoTrack(sp, 7);
var zapped = EptSpte.FromRaw(sp.Spt[7]);
Console.WriteLine($"SPTE1001 zap wrote {zapped}: suppress #VE {(zapped.SuppressVe ? "set" : "clear, so the TD gets a #VE instead of an EPT violation exit")}");

var root = PageTableAllocation.AllocateRoot();
Console.WriteLine($"SPTE1002 new root entry {root[0]}; EptSpte.NewTable gives {EptSpte.NewTable(1)[0]}");

sp.Spt[3] = mapped.Raw;
var present = Array.FindAll(sp.Spt, raw => EptSpte.FromRaw(raw).IsPresent).Length;
Console.WriteLine($"SPTE1003 sync_page synced {PresenceChecks.SyncPage(sp)} empty entries and skipped the {present} present one");
Console.WriteLine($"SPTE1003 frozen entry: 'Raw != 0' says present={PresenceChecks.IsShadowPresent(EptSpte.Frozen)}, IsPresent says {EptSpte.Frozen.IsPresent}");
