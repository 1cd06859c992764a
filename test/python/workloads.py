# SPDX-License-Identifier: BSD-3-Clause
"""workloads — h5py reading a file of every kind of object, printing a digest of every value it reads.

    python3 workloads.py make <dir>      writes <dir>/zoo.h5 (and ext.h5, vds0.h5, vds1.h5 beside it), natively
    python3 workloads.py read <dir>      reads them with h5py's defaults (HDF5_VOL_CONNECTOR decides the
                                         connector): one line "<case>: <digest>" per case, in a fixed order
    python3 workloads.py read <url>      the same over S3 (driver="ros3", anonymous), <url> the bucket's

The digest of a case is the SHA-256 (16 hex digits) of a canonical text of what was read: dtype, shape and
bytes of arrays (the text of each element for object arrays), names of referenced objects (never the raw
reference bytes, which are addresses in the file that holds them). Run natively, carved and replayed, the
printed lines must be identical (test/python/run_workloads.py compares them).
"""
import hashlib
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carve_h5py_check  # noqa: E402


def canon(value, f=None):
    """A deterministic text of a value read through h5py."""
    import h5py
    if isinstance(value, h5py.Empty):
        return "Empty(%s)" % np.dtype(value.dtype).str
    if isinstance(value, (h5py.Reference, h5py.RegionReference)):
        if not value:
            return "nullref"
        target = f[value]
        kind = "regref" if isinstance(value, h5py.RegionReference) else "ref"
        text = "%s->%s" % (kind, target.name)
        if kind == "regref":
            text += canon(target[value], f)
        return text
    if isinstance(value, np.ndarray):
        dt = value.dtype
        if dt.hasobject:
            items = [canon(v, f) for v in value.ravel()]
            return "array(%s,%s)[%s]" % (dt.descr, value.shape, ",".join(items))
        return "array(%s,%s,%s)" % (dt.descr, value.shape, hashlib.sha256(value.tobytes()).hexdigest())
    if isinstance(value, np.void):
        return "void(%s)%s" % (value.dtype.descr, canon(np.array(value), f) if value.dtype.hasobject
                                else hashlib.sha256(value.tobytes()).hexdigest())
    if isinstance(value, np.generic):
        return "%s:%r" % (value.dtype.str, value.item())
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canon(v, f) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join("%s=%s" % (k, canon(value[k], f)) for k in sorted(value)) + "}"
    return "%s:%r" % (type(value).__name__, value)


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- the files --------------------------------------------------------------------------------------------
def make(d):
    import h5py
    carve_h5py_check.check()
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(42)
    with h5py.File(os.path.join(d, "ext.h5"), "w") as e:
        e["data"] = np.arange(60, dtype="i4").reshape(6, 10)
        e["data"].attrs["from"] = "ext"
    for i in range(2):
        with h5py.File(os.path.join(d, "vds%d.h5" % i), "w") as s:
            s["src"] = np.arange(100, dtype="f4") + 1000 * i
    with h5py.File(os.path.join(d, "zoo.h5"), "w", track_order=True) as f:
        num = f.create_group("num")
        num.create_dataset("chunked", data=np.arange(100 * 80, dtype="f8").reshape(100, 80),
                           chunks=(10, 16), compression="gzip", shuffle=True)
        num.create_dataset("contig", data=(np.arange(50 * 40, dtype="i4") * 7 - 300).reshape(50, 40))
        num.create_dataset("cube", data=rng.integers(-1000, 1000, (6, 20, 30), dtype="i2"), chunks=(2, 5, 30))
        num.create_dataset("complex", data=(np.arange(30) + 1j * np.arange(30)[::-1]).astype("c8"))
        num.create_dataset("bool", data=np.arange(40) % 3 == 0)
        num.create_dataset("be", data=np.arange(25, dtype=">u8"))
        # compact layout (low level)
        space = h5py.h5s.create_simple((12,))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        dset = h5py.h5d.create(num.id, b"compact", h5py.h5t.NATIVE_INT16, space, dcpl=dcpl)
        dset.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(12, dtype="i2") * -3)

        t = f.create_group("types")
        cmp_t = np.dtype([("x", "f4"), ("y", "i8"), ("name", "S8"), ("v", "u1", (3,))])
        cmp = np.zeros(200, cmp_t)
        cmp["x"] = np.linspace(0, 1, 200)
        cmp["y"] = np.arange(200) ** 2
        cmp["name"] = [b"n%d" % i for i in range(200)]
        cmp["v"] = np.arange(600).reshape(200, 3) % 256
        t.create_dataset("compound", data=cmp, chunks=(32,))
        enum_t = h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 2}, basetype="i1")
        t.create_dataset("enum", data=np.array([0, 1, 2, 2, 1, 0, 1], dtype="i1"), dtype=enum_t)
        vl = t.create_dataset("vlen_int", (8,), dtype=h5py.vlen_dtype("i4"))
        for i in range(8):
            vl[i] = np.arange(i, dtype="i4") * (i + 1)
        t.create_dataset("vlen_str", data=["alpha", "βeta", "", "gamma δ", "e" * 40],
                         dtype=h5py.string_dtype("utf-8"))
        t.create_dataset("fixed_str", data=np.array([b"abc", b"defghij", b"k"], dtype="S10"))
        arr = t.create_dataset("array", shape=(10,), dtype=np.dtype(("f4", (3,))))
        arr[...] = np.arange(30, dtype="f4").reshape(10, 3)
        t.create_dataset("opaque", data=np.frombuffer(bytes(range(56)), dtype="V7"))
        bits = h5py.h5d.create(t.id, b"bitfield", h5py.h5t.STD_B16LE, h5py.h5s.create_simple((16,)))
        bits.write(h5py.h5s.ALL, h5py.h5s.ALL, (np.arange(16, dtype="u2") * 4099))
        t.create_dataset("cmp_scalar", data=np.array((1.5, 7, b"one", [1, 2, 3]), dtype=cmp_t))

        sp = f.create_group("spaces")
        sp.create_dataset("null", data=h5py.Empty("f4"))
        sp.create_dataset("scalar", data=3.25)
        sp.create_dataset("zero", shape=(0, 5), dtype="i4")
        sp.create_dataset("zero_chunked", shape=(0,), maxshape=(None,), dtype="f8", chunks=(4,))

        fill = f.create_group("fill")
        fill.create_dataset("never", shape=(40, 30), dtype="i4", chunks=(10, 10), fillvalue=-7)
        part = fill.create_dataset("partial", shape=(40,), dtype="f4", chunks=(8,), fillvalue=2.5)
        part[3:9] = np.arange(6)
        fill.create_dataset("contig_fill", shape=(20,), dtype="i8", fillvalue=99)

        r = f.create_group("refs")
        ch = num["chunked"]
        r.create_dataset("obj", data=np.array([num.ref, ch.ref, t["compound"].ref, f.ref, h5py.Reference()],
                                              dtype=h5py.ref_dtype))
        r.create_dataset("region", data=np.array([ch.regionref[5:10, 3:8], ch.regionref[::20, 70:],
                                                  num["contig"].regionref[1:4, [0, 5, 9]]],
                                                 dtype=h5py.regionref_dtype))
        r.attrs["ref_attr"] = ch.ref
        r.attrs["regref_attr"] = num["contig"].regionref[2:5, 1]

        a = f.create_group("attrs")
        a.attrs["int"] = np.int32(-5)
        a.attrs["float"] = 2.5
        a.attrs["ints"] = np.arange(6, dtype="u2").reshape(2, 3)
        a.attrs["vstr"] = "vlen ∞ text"
        a.attrs["vstrs"] = ["a", "bb", "ccc"]
        a.attrs["fixed"] = np.bytes_(b"fixed bytes")
        a.attrs["compound"] = cmp[:3]
        a.attrs.create("enum", data=np.array([2, 0], dtype="i1"), dtype=enum_t)
        a.attrs.create("vlen", data=np.array([np.arange(3, dtype="i4"), np.arange(1, dtype="i4")], dtype=object),
                       dtype=h5py.vlen_dtype("i4"))
        a.attrs.create("array", data=np.arange(6, dtype="f8").reshape(2, 3), dtype=np.dtype(("f8", (3,))))
        a.attrs["empty"] = h5py.Empty("i8")
        a.attrs["bool"] = True
        a.attrs["complex"] = np.complex128(1 - 2j)
        a.attrs["opaque"] = np.void(b"\x01\x02\x03")
        a.attrs["ref"] = t.ref

        ln = f.create_group("links")
        ln["soft"] = h5py.SoftLink("/num/chunked")
        ln["soft_group"] = h5py.SoftLink("/types")
        ln["dangling"] = h5py.SoftLink("/nowhere")
        ln["ext"] = h5py.ExternalLink("ext.h5", "/data")
        ln["hard"] = num["contig"]

        layout = h5py.VirtualLayout(shape=(3, 100), dtype="f4")
        for i in range(2):
            layout[i] = h5py.VirtualSource("vds%d.h5" % i, "src", shape=(100,))
        layout[2, :50] = h5py.VirtualSource("vds0.h5", "src", shape=(100,))[::2]
        f.create_group("vds").create_virtual_dataset("v", layout, fillvalue=-1)


# --- the reads --------------------------------------------------------------------------------------------
def cases(f):
    """(name, function returning what was read) in a fixed order."""
    import h5py
    ch, co, cube = f["num/chunked"], f["num/contig"], f["num/cube"]
    cmp = f["types/compound"]

    def read_direct_chunked():
        out = np.zeros((30, 20), "f8")
        ch.read_direct(out, source_sel=np.s_[10:20, 5:15], dest_sel=np.s_[2:12, 0:10])
        ch.read_direct(out, source_sel=np.s_[90:100:3, 70:80], dest_sel=np.s_[20:24, 10:20])
        return out

    def read_direct_contig():
        out = np.full((10, 10), -1, "i8")
        co.read_direct(out, source_sel=np.s_[40:50, ::4], dest_sel=np.s_[:, :])
        return out

    def visit():
        seen = []
        f.visititems(lambda name, obj: seen.append("%s:%s:%s" % (name, type(obj).__name__,
                                                                   ",".join(sorted(obj.attrs.keys())))))
        return seen

    def links():
        g = f["links"]
        out = []
        for name in g:
            link = g.get(name, getlink=True)
            out.append("%s:%s:%s" % (name, type(link).__name__, getattr(link, "path", "")))
        return out

    def refs_obj():
        return [canon(r, f) for r in f["refs/obj"][...]]

    def refs_region():
        out = []
        for r in f["refs/region"][...]:
            target = f[r]
            out.append("%s:%s:%s" % (target.name, target.regionref.shape(r) if hasattr(target.regionref, "shape")
                                     else "", canon(target[r], f)))
            out.append(canon(ch[r], f) if target.name == ch.name else canon(co[r], f))
        return out

    def attrs_all():
        out = {}
        for path in ("attrs", "refs", "num/chunked"):
            obj = f[path]
            for k in obj.attrs:
                out["%s@%s" % (path, k)] = obj.attrs[k]
                out["%s@%s:dtype" % (path, k)] = str(obj.attrs.get_id(k).dtype)
        return out

    return [
        ("slice.steps", lambda: ch[3:97:3, 5:70:7]),
        ("slice.index_list", lambda: ch[[1, 5, 9, 50, 99], :]),
        ("slice.index_list_cols", lambda: co[10:20, [0, 3, 7, 39]]),
        ("slice.bool_axis", lambda: ch[np.arange(100) % 7 == 0, 4:12]),
        ("slice.bool_mask", lambda: co[co[...] % 11 == 0]),
        ("slice.negative", lambda: ch[-5:, -3]),
        ("slice.negative_row", lambda: co[-1]),
        ("slice.ellipsis", lambda: cube[..., 7]),
        ("slice.scalar_elem", lambda: cube[5, 19, 29]),
        ("slice.newaxis_like", lambda: cube[2:4, ::-1 if False else 1, 10:20:5]),
        ("num.complex", lambda: f["num/complex"][::4]),
        ("num.bool", lambda: f["num/bool"][...]),
        ("num.big_endian", lambda: f["num/be"][3:20:2]),
        ("num.compact", lambda: f["num/compact"][2:9]),
        ("fields.one", lambda: cmp.fields("x")[10:50]),
        ("fields.two", lambda: cmp.fields(["name", "y"])[150:]),
        ("fields.getitem", lambda: cmp["v", 5:9]),
        ("compound.row", lambda: cmp[77]),
        ("compound.scalar", lambda: f["types/cmp_scalar"][()]),
        ("astype.f4", lambda: ch.astype("f4")[20:30, 0:80:10]),
        ("astype.i8", lambda: co.astype("i8")[::7, ::9]),
        ("asstr.vlen", lambda: f["types/vlen_str"].asstr()[1:5]),
        ("asstr.fixed", lambda: f["types/fixed_str"].asstr("ascii")[...]),
        ("vlen_str.raw", lambda: f["types/vlen_str"][...]),
        ("read_direct.chunked", read_direct_chunked),
        ("read_direct.contig", read_direct_contig),
        ("fill.never", lambda: f["fill/never"][5:25, 12:14]),
        ("fill.partial", lambda: f["fill/partial"][...]),
        ("fill.contig", lambda: f["fill/contig_fill"][3:7]),
        ("fill.values", lambda: [f["fill/" + n].fillvalue for n in ("never", "partial", "contig_fill")]),
        ("spaces.null", lambda: [f["spaces/null"][()], f["spaces/null"].shape, f["spaces/null"].size]),
        ("spaces.scalar", lambda: [f["spaces/scalar"][()], f["spaces/scalar"].shape]),
        ("spaces.zero", lambda: [f["spaces/zero"][...], f["spaces/zero"][:, 1:3]]),
        ("spaces.zero_chunked", lambda: f["spaces/zero_chunked"][:]),
        ("types.enum", lambda: [f["types/enum"][2:], h5py.check_enum_dtype(f["types/enum"].dtype)]),
        ("types.vlen_int", lambda: f["types/vlen_int"][2:7]),
        ("types.array", lambda: f["types/array"][4:9]),
        ("types.opaque", lambda: f["types/opaque"][1:6]),
        ("types.bitfield", lambda: f["types/bitfield"][...]),
        ("refs.obj", refs_obj),
        ("refs.region", refs_region),
        ("refs.attr", lambda: [canon(f["refs"].attrs["ref_attr"], f), canon(f["refs"].attrs["regref_attr"], f)]),
        ("attrs.all", attrs_all),
        ("links.kinds", links),
        ("links.soft", lambda: f["links/soft"][40:45, 0:5]),
        ("links.soft_group", lambda: list(f["links/soft_group"].keys())),
        ("links.hard", lambda: f["links/hard"][0:3, 0:3]),
        ("links.ext", lambda: [f["links/ext"][1:5, ::3], f["links/ext"].attrs["from"], f["links/ext"].file.filename
                               .rsplit("/", 1)[-1]]),
        ("links.dangling", lambda: ["dangling" in f["links"], f.get("links/dangling", default="none")]),
        ("vds.whole_rows", lambda: f["vds/v"][0:2, 10:30]),
        ("vds.strided", lambda: f["vds/v"][2, ::7]),
        ("vds.fill", lambda: [f["vds/v"][2, 60:], f["vds/v"].is_virtual]),
        ("meta.shapes", lambda: [(n, f[n].shape, f[n].maxshape, f[n].chunks, f[n].compression, str(f[n].dtype))
                                 for n in ("num/chunked", "num/contig", "num/cube", "spaces/zero_chunked",
                                           "types/compound")]),
        ("visititems", visit),
    ]


def read(d):
    import h5py
    carve_h5py_check.check()
    if d.startswith(("http://", "https://")):  # a bucket's URL: the files read over S3, anonymously
        path, options = d.rstrip("/") + "/zoo.h5", {"driver": "ros3"}
    else:
        path, options = os.path.join(d, "zoo.h5"), {}
    with h5py.File(path, "r", **options) as f:
        for name, fn in cases(f):
            try:
                text = canon(fn(), f)
            except Exception as e:  # the failure is the result: it must be native's too
                text = "raised %s: %s" % (type(e).__name__, e)
                print("%s: %s" % (name, text), file=sys.stderr)
            print("%s: %s" % (name, digest(text)))
            if os.environ.get("CARVE_WORKLOADS_VERBOSE"):
                print("    " + text[:400])


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "read"):
        raise SystemExit("usage: workloads.py make|read <dir>")
    (make if sys.argv[1] == "make" else read)(sys.argv[2])
