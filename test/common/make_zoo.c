/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * make_zoo.c — carve_make_zoo: writes the "zoo", a small deterministic HDF5 file that holds one of
 * (almost) everything HDF5 can store, with the native library only (no connector). Tests read it
 * natively and through carve and compare.
 *
 * Usage: carve_make_zoo [--variant] <output.h5>
 *   Also writes <output-stem>_ext.h5 next to the output (the target of the zoo's external link).
 *   --variant writes the same zoo with a few deliberate differences (for h5diff tests).
 *
 * Layout (all object time stamps off, so the same input gives the same bytes):
 *   /                    attributes of every type (integers LE/BE, floats, strings, compound, enum,
 *                        array, vlen, opaque, bitfield, references old and new)
 *   /grid2d              int32 60x50 contiguous,      value = i*1000 + j
 *   /grid3d              int32 10x20x30 chunked+deflate, value = i*10000 + j*100 + k
 *   /groups/...          nested groups with attributes, a UTF-8 named group, a cyclic hard link,
 *                        a group with creation-order tracking and dense attribute storage
 *   /data/...            storage layouts and filters, unlimited dims, sparse chunks with a fill value,
 *                        null/scalar/zero-sized dataspaces
 *   /typed/...           one dataset per datatype (same sets as the root attributes)
 *   /types/compound_t    committed datatype, used by /data/committed_typed
 *   /links/...           soft, dangling soft, external links
 *   /vds/...             a virtual dataset mapping two source datasets of the same file
 */
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#define ZOO_GRID2D_ROWS 60
#define ZOO_GRID2D_COLS 50
#define ZOO_GRID3D_X    10
#define ZOO_GRID3D_Y    20
#define ZOO_GRID3D_Z    30

/* Every HDF5 call is checked; the generator stops at the first failure (HDF5 prints its stack). */
#define ZOO_CHECK(expr) zoo_check((long long)(expr), #expr, __LINE__)

static long long
zoo_check(long long value, const char *what, int line)
{
    if (value < 0) {
        fprintf(stderr, "carve_make_zoo: line %d: %s failed\n", line, what);
        exit(EXIT_FAILURE);
    }
    return value;
}

/* Whether --variant was given: a few values differ, one object is added. */
static int zoo_variant = 0;

/* ---------------------------------------------------------------------------------------------- */
/* Property lists: no time stamps anywhere, so files are byte-for-byte reproducible.               */

static hid_t
zoo_gcpl(void)
{
    hid_t gcpl = (hid_t)ZOO_CHECK(H5Pcreate(H5P_GROUP_CREATE));
    ZOO_CHECK(H5Pset_obj_track_times(gcpl, 0));
    return gcpl;
}

static hid_t
zoo_dcpl(void)
{
    hid_t dcpl = (hid_t)ZOO_CHECK(H5Pcreate(H5P_DATASET_CREATE));
    ZOO_CHECK(H5Pset_obj_track_times(dcpl, 0));
    return dcpl;
}

static hid_t
zoo_create_group(hid_t loc, const char *name)
{
    hid_t gcpl  = zoo_gcpl();
    hid_t group = (hid_t)ZOO_CHECK(H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT));
    H5Pclose(gcpl);
    return group;
}

static hid_t
zoo_simple_space(int rank, const hsize_t *dims)
{
    return (hid_t)ZOO_CHECK(H5Screate_simple(rank, dims, NULL));
}

/* ---------------------------------------------------------------------------------------------- */
/* Writing one typed value set as an attribute or as a dataset.                                    */

typedef enum zoo_target_t { ZOO_AS_ATTRIBUTE, ZOO_AS_DATASET } zoo_target_t;

static void
zoo_write_object(hid_t loc, const char *name, zoo_target_t target, hid_t file_type, hid_t mem_type,
                 hid_t space, const void *buf)
{
    if (target == ZOO_AS_ATTRIBUTE) {
        hid_t attr = (hid_t)ZOO_CHECK(H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT));
        if (buf)
            ZOO_CHECK(H5Awrite(attr, mem_type, buf));
        ZOO_CHECK(H5Aclose(attr));
    }
    else {
        hid_t dcpl = zoo_dcpl();
        hid_t dset =
            (hid_t)ZOO_CHECK(H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        if (buf)
            ZOO_CHECK(H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
        ZOO_CHECK(H5Dclose(dset));
        H5Pclose(dcpl);
    }
}

static void
zoo_write_1d(hid_t loc, const char *name, zoo_target_t target, hid_t file_type, hid_t mem_type, hsize_t count,
             const void *buf)
{
    hid_t space = zoo_simple_space(1, &count);
    zoo_write_object(loc, name, target, file_type, mem_type, space, buf);
    H5Sclose(space);
}

/* int8..uint64, little and big endian: 16 objects of 4 values each, extremes included. */
static void
zoo_write_integers(hid_t loc, zoo_target_t target)
{
    static const int8_t   i8[4]  = {INT8_MIN, -1, 0, INT8_MAX};
    static const uint8_t  u8[4]  = {0, 1, 200, UINT8_MAX};
    static const int16_t  i16[4] = {INT16_MIN, -2, 3, INT16_MAX};
    static const uint16_t u16[4] = {0, 1, 40000, UINT16_MAX};
    static const int32_t  i32[4] = {INT32_MIN, -3, 4, INT32_MAX};
    static const uint32_t u32[4] = {0, 5, 3000000000u, UINT32_MAX};
    static const int64_t  i64[4] = {INT64_MIN, -6, 7, INT64_MAX};
    static const uint64_t u64[4] = {0, 8, 10000000000000000000ull, UINT64_MAX};
    const struct {
        const char *name;
        hid_t       file_type;
        hid_t       mem_type;
        const void *values;
    } table[] = {
        {"int8_le", H5T_STD_I8LE, H5T_NATIVE_INT8, i8},
        {"int8_be", H5T_STD_I8BE, H5T_NATIVE_INT8, i8},
        {"uint8_le", H5T_STD_U8LE, H5T_NATIVE_UINT8, u8},
        {"uint8_be", H5T_STD_U8BE, H5T_NATIVE_UINT8, u8},
        {"int16_le", H5T_STD_I16LE, H5T_NATIVE_INT16, i16},
        {"int16_be", H5T_STD_I16BE, H5T_NATIVE_INT16, i16},
        {"uint16_le", H5T_STD_U16LE, H5T_NATIVE_UINT16, u16},
        {"uint16_be", H5T_STD_U16BE, H5T_NATIVE_UINT16, u16},
        {"int32_le", H5T_STD_I32LE, H5T_NATIVE_INT32, i32},
        {"int32_be", H5T_STD_I32BE, H5T_NATIVE_INT32, i32},
        {"uint32_le", H5T_STD_U32LE, H5T_NATIVE_UINT32, u32},
        {"uint32_be", H5T_STD_U32BE, H5T_NATIVE_UINT32, u32},
        {"int64_le", H5T_STD_I64LE, H5T_NATIVE_INT64, i64},
        {"int64_be", H5T_STD_I64BE, H5T_NATIVE_INT64, i64},
        {"uint64_le", H5T_STD_U64LE, H5T_NATIVE_UINT64, u64},
        {"uint64_be", H5T_STD_U64BE, H5T_NATIVE_UINT64, u64},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        zoo_write_1d(loc, table[i].name, target, table[i].file_type, table[i].mem_type, 4, table[i].values);
}

static void
zoo_write_floats(hid_t loc, zoo_target_t target)
{
    const float  f32[5] = {0.0f, -1.5f, 3.25f, 1.0e30f, zoo_variant ? 2.0f : FLT_MIN};
    const double f64[5] = {0.0, -1.5, 3.25, 1.0e300, DBL_MIN};
    zoo_write_1d(loc, "float32_le", target, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 5, f32);
    zoo_write_1d(loc, "float32_be", target, H5T_IEEE_F32BE, H5T_NATIVE_FLOAT, 5, f32);
    zoo_write_1d(loc, "float64_le", target, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 5, f64);
    zoo_write_1d(loc, "float64_be", target, H5T_IEEE_F64BE, H5T_NATIVE_DOUBLE, 5, f64);
}

static hid_t
zoo_string_type(size_t size, H5T_cset_t cset, H5T_str_t pad)
{
    hid_t type = (hid_t)ZOO_CHECK(H5Tcopy(H5T_C_S1));
    ZOO_CHECK(H5Tset_size(type, size));
    ZOO_CHECK(H5Tset_cset(type, cset));
    ZOO_CHECK(H5Tset_strpad(type, pad));
    return type;
}

/* Fixed-size strings (null-terminated, null-padded, space-padded; ASCII and UTF-8) and variable-length
 * strings (ASCII and UTF-8), plus a scalar variable-length string. */
static void
zoo_write_strings(hid_t loc, zoo_target_t target)
{
    static const char fixed_ascii[3][12] = {"hello zoo", "carve", ""};
    /* "grüße ☃" and "ζωολογικός" in UTF-8; each fits in 24 bytes with its terminator. */
    static const char fixed_utf8[2][24] = {"gr\xc3\xbc\xc3\x9f"
                                           "e \xe2\x98\x83",
                                           "\xce\xb6\xcf\x89\xce\xbf\xce\xbb\xce\xbf\xce\xb3"
                                           "\xce\xb9\xce\xba\xcf\x8c\xcf\x82"};
    /* The variant changes a string without changing its length: h5diff 1.14.5 reads past the end of
     * the shorter of two variable-length strings, so a length change gives non-deterministic output. */
    const char *vlen_ascii[3] = {zoo_variant ? "VARIABLE" : "variable", "length strings", ""};
    const char *vlen_utf8[2]  = {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "caf\xc3\xa9"};
    const char *vlen_scalar   = "a scalar variable-length string";

    hid_t type = zoo_string_type(12, H5T_CSET_ASCII, H5T_STR_NULLTERM);
    zoo_write_1d(loc, "string_fixed_ascii_nullterm", target, type, type, 3, fixed_ascii);
    H5Tclose(type);
    type = zoo_string_type(12, H5T_CSET_ASCII, H5T_STR_NULLPAD);
    zoo_write_1d(loc, "string_fixed_ascii_nullpad", target, type, type, 3, fixed_ascii);
    H5Tclose(type);
    {
        /* Space padding: the library pads from the memory type's terminator on conversion. */
        hid_t mem  = zoo_string_type(12, H5T_CSET_ASCII, H5T_STR_NULLTERM);
        hid_t file = zoo_string_type(12, H5T_CSET_ASCII, H5T_STR_SPACEPAD);
        zoo_write_1d(loc, "string_fixed_ascii_spacepad", target, file, mem, 3, fixed_ascii);
        H5Tclose(mem);
        H5Tclose(file);
    }
    type = zoo_string_type(24, H5T_CSET_UTF8, H5T_STR_NULLTERM);
    zoo_write_1d(loc, "string_fixed_utf8", target, type, type, 2, fixed_utf8);
    H5Tclose(type);

    type = zoo_string_type(H5T_VARIABLE, H5T_CSET_ASCII, H5T_STR_NULLTERM);
    zoo_write_1d(loc, "string_vlen_ascii", target, type, type, 3, vlen_ascii);
    {
        hid_t scalar = (hid_t)ZOO_CHECK(H5Screate(H5S_SCALAR));
        zoo_write_object(loc, "string_vlen_scalar", target, type, type, scalar, &vlen_scalar);
        H5Sclose(scalar);
    }
    H5Tclose(type);
    type = zoo_string_type(H5T_VARIABLE, H5T_CSET_UTF8, H5T_STR_NULLTERM);
    zoo_write_1d(loc, "string_vlen_utf8", target, type, type, 2, vlen_utf8);
    H5Tclose(type);
}

/* The compound type: an outer struct with a nested compound and an array member. */
typedef struct zoo_inner_t {
    int16_t code;
    double  weight;
} zoo_inner_t;

typedef struct zoo_outer_t {
    int32_t     id;
    zoo_inner_t inner;
    float       triple[3];
    char        label[8];
} zoo_outer_t;

static hid_t
zoo_compound_type(void)
{
    hid_t inner = (hid_t)ZOO_CHECK(H5Tcreate(H5T_COMPOUND, sizeof(zoo_inner_t)));
    ZOO_CHECK(H5Tinsert(inner, "code", HOFFSET(zoo_inner_t, code), H5T_NATIVE_INT16));
    ZOO_CHECK(H5Tinsert(inner, "weight", HOFFSET(zoo_inner_t, weight), H5T_NATIVE_DOUBLE));

    hsize_t triple_dims[1] = {3};
    hid_t   triple         = (hid_t)ZOO_CHECK(H5Tarray_create2(H5T_NATIVE_FLOAT, 1, triple_dims));
    hid_t   label          = zoo_string_type(8, H5T_CSET_ASCII, H5T_STR_NULLTERM);

    hid_t outer = (hid_t)ZOO_CHECK(H5Tcreate(H5T_COMPOUND, sizeof(zoo_outer_t)));
    ZOO_CHECK(H5Tinsert(outer, "id", HOFFSET(zoo_outer_t, id), H5T_NATIVE_INT32));
    ZOO_CHECK(H5Tinsert(outer, "inner", HOFFSET(zoo_outer_t, inner), inner));
    ZOO_CHECK(H5Tinsert(outer, "triple", HOFFSET(zoo_outer_t, triple), triple));
    ZOO_CHECK(H5Tinsert(outer, "label", HOFFSET(zoo_outer_t, label), label));
    H5Tclose(inner);
    H5Tclose(triple);
    H5Tclose(label);
    return outer;
}

static void
zoo_fill_compound(zoo_outer_t *values, size_t count)
{
    memset(values, 0, count * sizeof *values);
    for (size_t i = 0; i < count; i++) {
        values[i].id           = (int32_t)(100 + i);
        values[i].inner.code   = (int16_t)(-(int)i);
        values[i].inner.weight = 0.25 * (double)i;
        for (int k = 0; k < 3; k++)
            values[i].triple[k] = (float)i + 0.5f * (float)k;
        snprintf(values[i].label, sizeof values[i].label, "row%u", (unsigned)(i % 100));
    }
}

static void
zoo_write_compound(hid_t loc, zoo_target_t target)
{
    zoo_outer_t values[3];
    zoo_fill_compound(values, 3);
    hid_t type = zoo_compound_type();
    zoo_write_1d(loc, "compound", target, type, type, 3, values);
    H5Tclose(type);
}

typedef enum zoo_colour_t { ZOO_RED = 0, ZOO_GREEN = 1, ZOO_BLUE = 2, ZOO_OCTARINE = 8 } zoo_colour_t;

static void
zoo_write_enum(hid_t loc, zoo_target_t target)
{
    hid_t type = (hid_t)ZOO_CHECK(H5Tenum_create(H5T_NATIVE_INT));
    int   v    = ZOO_RED;
    int   values[5];
    ZOO_CHECK(H5Tenum_insert(type, "RED", &v));
    v = ZOO_GREEN;
    ZOO_CHECK(H5Tenum_insert(type, "GREEN", &v));
    v = ZOO_BLUE;
    ZOO_CHECK(H5Tenum_insert(type, "BLUE", &v));
    v = ZOO_OCTARINE;
    ZOO_CHECK(H5Tenum_insert(type, "OCTARINE", &v));
    values[0] = ZOO_BLUE;
    values[1] = ZOO_RED;
    values[2] = ZOO_OCTARINE;
    values[3] = ZOO_GREEN;
    values[4] = ZOO_BLUE;
    zoo_write_1d(loc, "enum", target, type, type, 5, values);

    /* A big-endian, 1-byte based enum too. */
    hid_t   small = (hid_t)ZOO_CHECK(H5Tenum_create(H5T_STD_U8BE));
    uint8_t s     = 1;
    ZOO_CHECK(H5Tenum_insert(small, "OFF", &(uint8_t){0}));
    ZOO_CHECK(H5Tenum_insert(small, "ON", &s));
    uint8_t flags[4] = {1, 0, 0, 1};
    hid_t   mem      = (hid_t)ZOO_CHECK(H5Tenum_create(H5T_NATIVE_UINT8));
    ZOO_CHECK(H5Tenum_insert(mem, "OFF", &(uint8_t){0}));
    ZOO_CHECK(H5Tenum_insert(mem, "ON", &s));
    zoo_write_1d(loc, "enum_u8be", target, small, mem, 4, flags);
    H5Tclose(mem);
    H5Tclose(small);
    H5Tclose(type);
}

static void
zoo_write_array(hid_t loc, zoo_target_t target)
{
    hsize_t adims[2] = {2, 3};
    hid_t   type     = (hid_t)ZOO_CHECK(H5Tarray_create2(H5T_NATIVE_INT, 2, adims));
    int     values[2][2][3];
    for (int e = 0; e < 2; e++)
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++)
                values[e][r][c] = e * 100 + r * 10 + c;
    zoo_write_1d(loc, "array", target, type, type, 2, values);
    H5Tclose(type);
}

static void
zoo_write_vlen(hid_t loc, zoo_target_t target)
{
    static int seq1[1] = {42};
    static int seq2[4] = {1, 1, 2, 3};
    hvl_t      values[3];
    values[0].len = 0;
    values[0].p   = NULL;
    values[1].len = 1;
    values[1].p   = seq1;
    values[2].len = 4;
    values[2].p   = seq2;
    hid_t type    = (hid_t)ZOO_CHECK(H5Tvlen_create(H5T_NATIVE_INT));
    zoo_write_1d(loc, "vlen_int", target, type, type, 3, values);
    H5Tclose(type);
}

static void
zoo_write_opaque(hid_t loc, zoo_target_t target)
{
    unsigned char bytes[3][5];
    for (int e = 0; e < 3; e++)
        for (int b = 0; b < 5; b++)
            bytes[e][b] = (unsigned char)(0x10 * e + b);
    hid_t type = (hid_t)ZOO_CHECK(H5Tcreate(H5T_OPAQUE, 5));
    ZOO_CHECK(H5Tset_tag(type, "zoo opaque blob"));
    zoo_write_1d(loc, "opaque", target, type, type, 3, bytes);
    H5Tclose(type);
}

static void
zoo_write_bitfields(hid_t loc, zoo_target_t target)
{
    static const uint8_t  b8[3]  = {0x00, 0x5a, 0xff};
    static const uint16_t b16[3] = {0x0001, 0xbeef, 0x8000};
    static const uint32_t b32[3] = {0xdeadbeefu, 0, 0x01020304u};
    static const uint64_t b64[2] = {0x0123456789abcdefull, 0xfedcba9876543210ull};
    zoo_write_1d(loc, "bitfield8_le", target, H5T_STD_B8LE, H5T_NATIVE_B8, 3, b8);
    zoo_write_1d(loc, "bitfield16_be", target, H5T_STD_B16BE, H5T_NATIVE_B16, 3, b16);
    zoo_write_1d(loc, "bitfield32_le", target, H5T_STD_B32LE, H5T_NATIVE_B32, 3, b32);
    zoo_write_1d(loc, "bitfield64_be", target, H5T_STD_B64BE, H5T_NATIVE_B64, 2, b64);
}

/* Object and region references, old style (H5R_OBJECT / H5R_DATASET_REGION) and new (H5R_ref_t).
 * They point at /grid2d, /groups/g1 and hyperslabs/points of /grid2d, so those must exist first. */
static void
zoo_write_references(hid_t file, hid_t loc, zoo_target_t target)
{
    hobj_ref_t obj_old[2];
    ZOO_CHECK(H5Rcreate(&obj_old[0], file, "/grid2d", H5R_OBJECT, -1));
    ZOO_CHECK(H5Rcreate(&obj_old[1], file, "/groups/g1", H5R_OBJECT, -1));
    zoo_write_1d(loc, "ref_object_old", target, H5T_STD_REF_OBJ, H5T_STD_REF_OBJ, 2, obj_old);

    hid_t   grid     = (hid_t)ZOO_CHECK(H5Dopen2(file, "/grid2d", H5P_DEFAULT));
    hid_t   slab     = (hid_t)ZOO_CHECK(H5Dget_space(grid));
    hid_t   point    = (hid_t)ZOO_CHECK(H5Dget_space(grid));
    hsize_t start[2] = {2, 3}, count[2] = {4, 5};
    ZOO_CHECK(H5Sselect_hyperslab(slab, H5S_SELECT_SET, start, NULL, count, NULL));
    hsize_t coords[3][2] = {{0, 0}, {10, 20}, {59, 49}};
    ZOO_CHECK(H5Sselect_elements(point, H5S_SELECT_SET, 3, &coords[0][0]));

    hdset_reg_ref_t region_old[2];
    ZOO_CHECK(H5Rcreate(&region_old[0], file, "/grid2d", H5R_DATASET_REGION, slab));
    ZOO_CHECK(H5Rcreate(&region_old[1], file, "/grid2d", H5R_DATASET_REGION, point));
    zoo_write_1d(loc, "ref_region_old", target, H5T_STD_REF_DSETREG, H5T_STD_REF_DSETREG, 2, region_old);

    H5R_ref_t obj_new[3];
    ZOO_CHECK(H5Rcreate_object(file, "/grid2d", H5P_DEFAULT, &obj_new[0]));
    ZOO_CHECK(H5Rcreate_object(file, "/groups/g1", H5P_DEFAULT, &obj_new[1]));
    ZOO_CHECK(H5Rcreate_object(file, "/types/compound_t", H5P_DEFAULT, &obj_new[2]));
    zoo_write_1d(loc, "ref_object_new", target, H5T_STD_REF, H5T_STD_REF, 3, obj_new);
    for (int i = 0; i < 3; i++)
        ZOO_CHECK(H5Rdestroy(&obj_new[i]));

    H5R_ref_t region_new[2];
    ZOO_CHECK(H5Rcreate_region(file, "/grid2d", slab, H5P_DEFAULT, &region_new[0]));
    ZOO_CHECK(H5Rcreate_region(file, "/grid2d", point, H5P_DEFAULT, &region_new[1]));
    zoo_write_1d(loc, "ref_region_new", target, H5T_STD_REF, H5T_STD_REF, 2, region_new);
    for (int i = 0; i < 2; i++)
        ZOO_CHECK(H5Rdestroy(&region_new[i]));

    H5Sclose(point);
    H5Sclose(slab);
    H5Dclose(grid);
}

/* Every type set at once (the root's attributes and /typed's datasets). */
static void
zoo_write_all_types(hid_t file, hid_t loc, zoo_target_t target)
{
    zoo_write_integers(loc, target);
    zoo_write_floats(loc, target);
    zoo_write_strings(loc, target);
    zoo_write_compound(loc, target);
    zoo_write_enum(loc, target);
    zoo_write_array(loc, target);
    zoo_write_vlen(loc, target);
    zoo_write_opaque(loc, target);
    zoo_write_bitfields(loc, target);
    zoo_write_references(file, loc, target);
}

/* A few attributes for groups and datasets (name-dependent values, so each object differs). */
static void
zoo_write_small_attributes(hid_t loc, int seed)
{
    int32_t counts[3] = {seed, seed * 2, seed * 3};
    double  scale     = 0.5 * seed;
    char    note[32];
    snprintf(note, sizeof note, "object number %d", seed);
    const char *note_ptr = note;

    zoo_write_1d(loc, "counts", ZOO_AS_ATTRIBUTE, H5T_STD_I32BE, H5T_NATIVE_INT32, 3, counts);
    hid_t scalar = (hid_t)ZOO_CHECK(H5Screate(H5S_SCALAR));
    zoo_write_object(loc, "scale", ZOO_AS_ATTRIBUTE, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar, &scale);
    hid_t vstr = zoo_string_type(H5T_VARIABLE, H5T_CSET_UTF8, H5T_STR_NULLTERM);
    zoo_write_object(loc, "note", ZOO_AS_ATTRIBUTE, vstr, vstr, scalar, &note_ptr);
    H5Tclose(vstr);
    H5Sclose(scalar);
}

/* ---------------------------------------------------------------------------------------------- */
/* The index-function grids (for read checks).                                                    */

static void
zoo_write_grids(hid_t file)
{
    hsize_t  dims2[2] = {ZOO_GRID2D_ROWS, ZOO_GRID2D_COLS};
    int32_t *grid2    = malloc(sizeof(int32_t) * ZOO_GRID2D_ROWS * ZOO_GRID2D_COLS);
    for (int i = 0; i < ZOO_GRID2D_ROWS; i++)
        for (int j = 0; j < ZOO_GRID2D_COLS; j++)
            grid2[i * ZOO_GRID2D_COLS + j] = i * 1000 + j;
    if (zoo_variant)
        grid2[3 * ZOO_GRID2D_COLS + 4] += 1;
    hid_t space = zoo_simple_space(2, dims2);
    zoo_write_object(file, "grid2d", ZOO_AS_DATASET, H5T_STD_I32LE, H5T_NATIVE_INT32, space, grid2);
    H5Sclose(space);
    free(grid2);

    hsize_t  dims3[3]  = {ZOO_GRID3D_X, ZOO_GRID3D_Y, ZOO_GRID3D_Z};
    hsize_t  chunk3[3] = {4, 8, 16};
    int32_t *grid3     = malloc(sizeof(int32_t) * ZOO_GRID3D_X * ZOO_GRID3D_Y * ZOO_GRID3D_Z);
    for (int i = 0; i < ZOO_GRID3D_X; i++)
        for (int j = 0; j < ZOO_GRID3D_Y; j++)
            for (int k = 0; k < ZOO_GRID3D_Z; k++)
                grid3[(i * ZOO_GRID3D_Y + j) * ZOO_GRID3D_Z + k] = i * 10000 + j * 100 + k;
    hid_t dcpl = zoo_dcpl();
    ZOO_CHECK(H5Pset_chunk(dcpl, 3, chunk3));
    ZOO_CHECK(H5Pset_deflate(dcpl, 4));
    space = zoo_simple_space(3, dims3);
    hid_t ds =
        (hid_t)ZOO_CHECK(H5Dcreate2(file, "grid3d", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    ZOO_CHECK(H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, grid3));
    zoo_write_small_attributes(ds, 3);
    H5Dclose(ds);
    H5Sclose(space);
    H5Pclose(dcpl);
    free(grid3);
}

/* ---------------------------------------------------------------------------------------------- */
/* Groups and links.                                                                               */

static void
zoo_write_groups(hid_t file)
{
    hid_t groups = zoo_create_group(file, "groups");
    zoo_write_small_attributes(groups, 10);

    hid_t g1 = zoo_create_group(groups, "g1");
    zoo_write_small_attributes(g1, 11);
    hid_t g1a = zoo_create_group(g1, "g1a");
    zoo_write_small_attributes(g1a, 12);
    hid_t g1a_deep = zoo_create_group(g1a, "deep");
    hid_t deeper   = zoo_create_group(g1a_deep, "deeper");
    int   leaf[4]  = {7, 8, 9, 10};
    zoo_write_1d(deeper, "leaf", ZOO_AS_DATASET, H5T_STD_I32LE, H5T_NATIVE_INT, 4, leaf);
    /* A cycle: /groups/g1/g1a/back_to_g1 is another hard link to /groups/g1. */
    ZOO_CHECK(H5Lcreate_hard(file, "/groups/g1", g1a, "back_to_g1", H5P_DEFAULT, H5P_DEFAULT));
    H5Gclose(deeper);
    H5Gclose(g1a_deep);
    H5Gclose(g1a);
    hid_t g1b = zoo_create_group(g1, "g1b");
    H5Gclose(g1b);
    H5Gclose(g1);

    hid_t g2 = zoo_create_group(groups, "g2");
    zoo_write_small_attributes(g2, 20);
    hid_t empty = zoo_create_group(g2, "empty");
    H5Gclose(empty);
    H5Gclose(g2);

    /* A group whose name and whose attribute's name are UTF-8. */
    hid_t lcpl = (hid_t)ZOO_CHECK(H5Pcreate(H5P_LINK_CREATE));
    ZOO_CHECK(H5Pset_char_encoding(lcpl, H5T_CSET_UTF8));
    hid_t gcpl = zoo_gcpl();
    hid_t utf8 = (hid_t)ZOO_CHECK(H5Gcreate2(groups, "gr\xc3\xbcppe \xe2\x98\x83", lcpl, gcpl, H5P_DEFAULT));
    hid_t acpl = (hid_t)ZOO_CHECK(H5Pcreate(H5P_ATTRIBUTE_CREATE));
    ZOO_CHECK(H5Pset_char_encoding(acpl, H5T_CSET_UTF8));
    hsize_t one = 1;
    hid_t   sp  = zoo_simple_space(1, &one);
    hid_t   attr =
        (hid_t)ZOO_CHECK(H5Acreate2(utf8, "\xce\xb1\xce\xb2\xce\xb3", H5T_STD_I16LE, sp, acpl, H5P_DEFAULT));
    short val = 314;
    ZOO_CHECK(H5Awrite(attr, H5T_NATIVE_SHORT, &val));
    H5Aclose(attr);
    H5Sclose(sp);
    H5Pclose(acpl);
    H5Gclose(utf8);
    H5Pclose(gcpl);
    H5Pclose(lcpl);

    /* New-style group: link and attribute creation order tracked and indexed, dense storage for both
     * (many links, many attributes). */
    gcpl = zoo_gcpl();
    ZOO_CHECK(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
    ZOO_CHECK(H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
    ZOO_CHECK(H5Pset_link_phase_change(gcpl, 0, 0));
    ZOO_CHECK(H5Pset_attr_phase_change(gcpl, 0, 0));
    hid_t ordered = (hid_t)ZOO_CHECK(H5Gcreate2(groups, "ordered", H5P_DEFAULT, gcpl, H5P_DEFAULT));
    /* Created in reverse name order, so creation order and name order differ. */
    for (int i = 11; i >= 0; i--) {
        char name[24];
        snprintf(name, sizeof name, "child_%02d", i);
        hid_t child = zoo_create_group(ordered, name);
        H5Gclose(child);
        snprintf(name, sizeof name, "attr_%02d", i);
        hid_t scalar = (hid_t)ZOO_CHECK(H5Screate(H5S_SCALAR));
        zoo_write_object(ordered, name, ZOO_AS_ATTRIBUTE, H5T_STD_I32LE, H5T_NATIVE_INT, scalar, &i);
        H5Sclose(scalar);
    }
    H5Gclose(ordered);
    H5Pclose(gcpl);

    H5Gclose(groups);
}

static void
zoo_write_links(hid_t file, const char *ext_basename)
{
    hid_t links = zoo_create_group(file, "links");
    ZOO_CHECK(H5Lcreate_soft("/grid2d", links, "soft_to_grid2d", H5P_DEFAULT, H5P_DEFAULT));
    ZOO_CHECK(H5Lcreate_soft("/groups/g1", links, "soft_to_g1", H5P_DEFAULT, H5P_DEFAULT));
    ZOO_CHECK(H5Lcreate_soft("/no/such/object", links, "dangling", H5P_DEFAULT, H5P_DEFAULT));
    ZOO_CHECK(
        H5Lcreate_external(ext_basename, "/ext_data", links, "external_data", H5P_DEFAULT, H5P_DEFAULT));
    ZOO_CHECK(
        H5Lcreate_external(ext_basename, "/ext_group", links, "external_group", H5P_DEFAULT, H5P_DEFAULT));
    H5Gclose(links);
}

/* The second file, target of the external links. */
static void
zoo_write_external_file(const char *path)
{
    hid_t file      = (hid_t)ZOO_CHECK(H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    int   values[6] = {11, 22, 33, 44, 55, 66};
    zoo_write_1d(file, "ext_data", ZOO_AS_DATASET, H5T_STD_I32LE, H5T_NATIVE_INT, 6, values);
    hid_t ds = (hid_t)ZOO_CHECK(H5Dopen2(file, "ext_data", H5P_DEFAULT));
    zoo_write_small_attributes(ds, 99);
    H5Dclose(ds);
    hid_t  group = zoo_create_group(file, "ext_group");
    double d[2]  = {0.125, 8.0};
    zoo_write_1d(group, "inside", ZOO_AS_DATASET, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, d);
    H5Gclose(group);
    H5Fclose(file);
}

/* ---------------------------------------------------------------------------------------------- */
/* Storage layouts, filters, dataspaces.                                                           */

static void
zoo_create_filled(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, int rank, const hsize_t *dims,
                  const hsize_t *maxdims, hid_t dcpl, const void *buf, int attr_seed)
{
    hid_t space = (hid_t)ZOO_CHECK(H5Screate_simple(rank, dims, maxdims));
    hid_t ds    = (hid_t)ZOO_CHECK(H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    if (buf)
        ZOO_CHECK(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
    if (attr_seed)
        zoo_write_small_attributes(ds, attr_seed);
    H5Dclose(ds);
    H5Sclose(space);
}

static void
zoo_write_layouts(hid_t file)
{
    hid_t data = zoo_create_group(file, "data");
    zoo_write_small_attributes(data, 30);

    /* Contiguous. */
    int32_t contiguous[200];
    for (int i = 0; i < 200; i++)
        contiguous[i] = i * 3 - 7;
    hsize_t d1   = 200;
    hid_t   dcpl = zoo_dcpl();
    zoo_create_filled(data, "contiguous", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &d1, NULL, dcpl, contiguous,
                      31);
    H5Pclose(dcpl);

    /* Compact. */
    int16_t compact[5][4];
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++)
            compact[i][j] = (int16_t)(i * 4 + j - 10);
    hsize_t dcompact[2] = {5, 4};
    dcpl                = zoo_dcpl();
    ZOO_CHECK(H5Pset_layout(dcpl, H5D_COMPACT));
    zoo_create_filled(data, "compact", H5T_STD_I16BE, H5T_NATIVE_INT16, 2, dcompact, NULL, dcpl, compact, 32);
    H5Pclose(dcpl);

    /* Chunked, no filter. */
    double  plain[40][30];
    hsize_t dplain[2] = {40, 30}, cplain[2] = {8, 10};
    for (int i = 0; i < 40; i++)
        for (int j = 0; j < 30; j++)
            plain[i][j] = i + j / 100.0;
    dcpl = zoo_dcpl();
    ZOO_CHECK(H5Pset_chunk(dcpl, 2, cplain));
    zoo_create_filled(data, "chunked_plain", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dplain, NULL, dcpl, plain,
                      33);
    H5Pclose(dcpl);

    /* Chunked + deflate. */
    static int32_t deflated[64][64];
    hsize_t        d64[2] = {64, 64}, c16[2] = {16, 16};
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++)
            deflated[i][j] = (i * j) % 17;
    dcpl = zoo_dcpl();
    ZOO_CHECK(H5Pset_chunk(dcpl, 2, c16));
    ZOO_CHECK(H5Pset_deflate(dcpl, 6));
    zoo_create_filled(data, "chunked_deflate", H5T_STD_I32LE, H5T_NATIVE_INT32, 2, d64, NULL, dcpl, deflated,
                      34);
    H5Pclose(dcpl);

    /* Chunked + shuffle + deflate. */
    static float shuffled[50][40];
    hsize_t      dshuf[2] = {50, 40}, cshuf[2] = {10, 10};
    for (int i = 0; i < 50; i++)
        for (int j = 0; j < 40; j++)
            shuffled[i][j] = (float)i * 0.5f - (float)j;
    dcpl = zoo_dcpl();
    ZOO_CHECK(H5Pset_chunk(dcpl, 2, cshuf));
    ZOO_CHECK(H5Pset_shuffle(dcpl));
    ZOO_CHECK(H5Pset_deflate(dcpl, 5));
    zoo_create_filled(data, "chunked_shuffle_deflate", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, dshuf, NULL, dcpl,
                      shuffled, 0);
    H5Pclose(dcpl);

    /* Chunked + Fletcher32 checksum. */
    uint16_t fletch[1000];
    hsize_t  dfl = 1000, cfl = 128; /* 1000 = 7 * 128 + 104: a partial last chunk */
    for (int i = 0; i < 1000; i++)
        fletch[i] = (uint16_t)(i * 7);
    dcpl = zoo_dcpl();
    ZOO_CHECK(H5Pset_chunk(dcpl, 1, &cfl));
    ZOO_CHECK(H5Pset_fletcher32(dcpl));
    zoo_create_filled(data, "chunked_fletcher32", H5T_STD_U16LE, H5T_NATIVE_UINT16, 1, &dfl, NULL, dcpl,
                      fletch, 0);
    H5Pclose(dcpl);

    /* Chunked + szip (when the library can encode it). */
    unsigned szip_config = 0;
    if (H5Zfilter_avail(H5Z_FILTER_SZIP) > 0 && H5Zget_filter_info(H5Z_FILTER_SZIP, &szip_config) >= 0 &&
        (szip_config & H5Z_FILTER_CONFIG_ENCODE_ENABLED)) {
        int32_t szipped[2000];
        hsize_t dsz = 2000, csz = 200;
        for (int i = 0; i < 2000; i++)
            szipped[i] = i / 3;
        dcpl = zoo_dcpl();
        ZOO_CHECK(H5Pset_chunk(dcpl, 1, &csz));
        ZOO_CHECK(H5Pset_szip(dcpl, H5_SZIP_NN_OPTION_MASK, 8));
        zoo_create_filled(data, "chunked_szip", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &dsz, NULL, dcpl, szipped,
                          0);
        H5Pclose(dcpl);
    }
    else
        fprintf(stderr, "carve_make_zoo: szip encoding not available; /data/chunked_szip not written\n");

    /* Unlimited dims, partial edge chunks: 17x23 in 5x7 chunks, written in two steps (extend). */
    int32_t unlimited[17][23];
    hsize_t dun[2] = {10, 10}, mun[2] = {H5S_UNLIMITED, H5S_UNLIMITED}, cun[2] = {5, 7};
    for (int i = 0; i < 17; i++)
        for (int j = 0; j < 23; j++)
            unlimited[i][j] = i * 100 + j;
    dcpl = zoo_dcpl();
    ZOO_CHECK(H5Pset_chunk(dcpl, 2, cun));
    {
        hid_t space = (hid_t)ZOO_CHECK(H5Screate_simple(2, dun, mun));
        hid_t ds    = (hid_t)ZOO_CHECK(
               H5Dcreate2(data, "unlimited", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        hsize_t full[2] = {17, 23};
        ZOO_CHECK(H5Dset_extent(ds, full));
        ZOO_CHECK(H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, unlimited));
        zoo_write_small_attributes(ds, 35);
        H5Dclose(ds);
        H5Sclose(space);
    }
    H5Pclose(dcpl);

    /* Sparse: 100x100 in 10x10 chunks, fill value -999.5, only two chunks' worth ever written. */
    dcpl           = zoo_dcpl();
    hsize_t dsp[2] = {100, 100}, csp[2] = {10, 10};
    double  fill = -999.5;
    ZOO_CHECK(H5Pset_chunk(dcpl, 2, csp));
    ZOO_CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill));
    ZOO_CHECK(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR));
    {
        hid_t space = zoo_simple_space(2, dsp);
        hid_t ds    = (hid_t)ZOO_CHECK(
               H5Dcreate2(data, "sparse_fill", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        double  block[10][10];
        hsize_t count[2] = {10, 10};
        hid_t   mem      = zoo_simple_space(2, count);
        for (int c = 0; c < 2; c++) {
            hsize_t start[2] = {c == 0 ? 0 : 50, c == 0 ? 0 : 70};
            for (int i = 0; i < 10; i++)
                for (int j = 0; j < 10; j++)
                    block[i][j] = (double)(start[0] + i) + (double)(start[1] + j) / 1000.0;
            ZOO_CHECK(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL));
            ZOO_CHECK(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, block));
        }
        H5Sclose(mem);
        H5Dclose(ds);
        H5Sclose(space);
    }
    H5Pclose(dcpl);

    /* Chunked, never written at all, fill value set: no chunk allocated. */
    dcpl           = zoo_dcpl();
    int32_t ifill  = 42;
    hsize_t dnw[2] = {30, 30}, cnw[2] = {16, 16};
    ZOO_CHECK(H5Pset_chunk(dcpl, 2, cnw));
    ZOO_CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_INT32, &ifill));
    zoo_create_filled(data, "never_written", H5T_STD_I32LE, H5T_NATIVE_INT32, 2, dnw, NULL, dcpl, NULL, 36);
    H5Pclose(dcpl);

    /* Dataspaces: null, scalar, zero-sized (fixed and extendible). */
    dcpl         = zoo_dcpl();
    hid_t nullsp = (hid_t)ZOO_CHECK(H5Screate(H5S_NULL));
    zoo_write_object(data, "null_space", ZOO_AS_DATASET, H5T_STD_I32LE, H5T_NATIVE_INT32, nullsp, NULL);
    zoo_write_object(data, "null_space", ZOO_AS_ATTRIBUTE, H5T_STD_I32LE, H5T_NATIVE_INT32, nullsp, NULL);
    H5Sclose(nullsp);
    hid_t  scalar = (hid_t)ZOO_CHECK(H5Screate(H5S_SCALAR));
    double pi     = 3.14159265358979;
    zoo_write_object(data, "scalar", ZOO_AS_DATASET, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar, &pi);
    H5Sclose(scalar);
    zoo_write_1d(data, "zero_sized", ZOO_AS_DATASET, H5T_STD_I32LE, H5T_NATIVE_INT32, 0, NULL);
    hsize_t zero2[2] = {0, 5}, zmax[2] = {H5S_UNLIMITED, 5}, zchunk[2] = {4, 5};
    ZOO_CHECK(H5Pset_chunk(dcpl, 2, zchunk));
    zoo_create_filled(data, "zero_sized_extendible", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, zero2, zmax, dcpl,
                      NULL, 0);
    H5Pclose(dcpl);

    if (zoo_variant) {
        int only[2] = {1, 2};
        zoo_write_1d(data, "only_in_variant", ZOO_AS_DATASET, H5T_STD_I32LE, H5T_NATIVE_INT, 2, only);
    }
    H5Gclose(data);
}

/* Committed datatype /types/compound_t (with an attribute), used by /data/committed_typed. */
static void
zoo_write_committed_type(hid_t file)
{
    hid_t types = zoo_create_group(file, "types");
    hid_t type  = zoo_compound_type();
    hid_t tcpl  = (hid_t)ZOO_CHECK(H5Pcreate(H5P_DATATYPE_CREATE));
    ZOO_CHECK(H5Pset_obj_track_times(tcpl, 0));
    ZOO_CHECK(H5Tcommit2(types, "compound_t", type, H5P_DEFAULT, tcpl, H5P_DEFAULT));
    zoo_write_small_attributes(type, 40);
    hid_t itype = (hid_t)ZOO_CHECK(H5Tcopy(H5T_STD_U16BE));
    ZOO_CHECK(H5Tcommit2(types, "u16be_t", itype, H5P_DEFAULT, tcpl, H5P_DEFAULT));
    H5Tclose(itype);

    zoo_outer_t values[5];
    zoo_fill_compound(values, 5);
    zoo_write_1d(file, "/data/committed_typed", ZOO_AS_DATASET, type, type, 5, values);
    H5Tclose(type);
    H5Pclose(tcpl);
    H5Gclose(types);
}

/* A virtual dataset /vds/virtual (3x10, fill -1): row 0 from /vds/source_a, row 1 from /vds/source_b,
 * row 2 unmapped. */
static void
zoo_write_vds(hid_t file)
{
    hid_t   vds = zoo_create_group(file, "vds");
    int32_t a[10], b[10];
    for (int i = 0; i < 10; i++) {
        a[i] = i;
        b[i] = 100 + i;
    }
    zoo_write_1d(vds, "source_a", ZOO_AS_DATASET, H5T_STD_I32LE, H5T_NATIVE_INT32, 10, a);
    zoo_write_1d(vds, "source_b", ZOO_AS_DATASET, H5T_STD_I32LE, H5T_NATIVE_INT32, 10, b);

    hsize_t vdims[2] = {3, 10}, sdims = 10;
    hid_t   vspace = zoo_simple_space(2, vdims);
    hid_t   sspace = zoo_simple_space(1, &sdims);
    hid_t   dcpl   = zoo_dcpl();
    int32_t fill   = -1;
    ZOO_CHECK(H5Pset_fill_value(dcpl, H5T_NATIVE_INT32, &fill));
    for (int row = 0; row < 2; row++) {
        hsize_t start[2] = {(hsize_t)row, 0}, count[2] = {1, 10};
        ZOO_CHECK(H5Sselect_hyperslab(vspace, H5S_SELECT_SET, start, NULL, count, NULL));
        ZOO_CHECK(H5Pset_virtual(dcpl, vspace, ".", row == 0 ? "/vds/source_a" : "/vds/source_b", sspace));
    }
    ZOO_CHECK(H5Sselect_all(vspace));
    hid_t ds =
        (hid_t)ZOO_CHECK(H5Dcreate2(vds, "virtual", H5T_STD_I32LE, vspace, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    zoo_write_small_attributes(ds, 50);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(sspace);
    H5Sclose(vspace);
    H5Gclose(vds);
}

/* ---------------------------------------------------------------------------------------------- */

/* <dir>/<stem>_ext.h5 for <dir>/<stem>.h5 (any extension is replaced), and its basename. */
static void
zoo_external_names(const char *output, char *path, size_t path_size, const char **basename)
{
    const char *slash = strrchr(output, '/');
    const char *base  = slash ? slash + 1 : output;
    const char *dot   = strrchr(base, '.');
    size_t      stem  = dot && dot != base ? (size_t)(dot - output) : strlen(output);
    int         n     = snprintf(path, path_size, "%.*s_ext.h5", (int)stem, output);
    if (n < 0 || (size_t)n >= path_size) {
        fprintf(stderr, "carve_make_zoo: output path too long\n");
        exit(EXIT_FAILURE);
    }
    *basename = path + (base - output);
}

int
main(int argc, char **argv)
{
    const char *output = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--variant") == 0)
            zoo_variant = 1;
        else if (argv[i][0] == '-' || output) {
            fprintf(stderr, "usage: carve_make_zoo [--variant] <output.h5>\n");
            return 2;
        }
        else
            output = argv[i];
    }
    if (!output) {
        fprintf(stderr, "usage: carve_make_zoo [--variant] <output.h5>\n");
        return 2;
    }

    char        ext_path[4096];
    const char *ext_basename = NULL;
    zoo_external_names(output, ext_path, sizeof ext_path, &ext_basename);
    zoo_write_external_file(ext_path);

    hid_t fcpl = (hid_t)ZOO_CHECK(H5Pcreate(H5P_FILE_CREATE));
    hid_t file = (hid_t)ZOO_CHECK(H5Fcreate(output, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT));
    H5Pclose(fcpl);

    /* Order matters: the references point at /grid2d, /groups/g1 and /types/compound_t. */
    zoo_write_grids(file);
    zoo_write_groups(file);
    zoo_write_layouts(file);
    zoo_write_committed_type(file);
    zoo_write_links(file, ext_basename);
    zoo_write_vds(file);

    hid_t root = (hid_t)ZOO_CHECK(H5Gopen2(file, "/", H5P_DEFAULT));
    zoo_write_all_types(file, root, ZOO_AS_ATTRIBUTE);
    H5Gclose(root);
    hid_t typed = zoo_create_group(file, "typed");
    zoo_write_all_types(file, typed, ZOO_AS_DATASET);
    zoo_write_small_attributes(typed, 60);
    H5Gclose(typed);

    ZOO_CHECK(H5Fclose(file));
    printf("carve_make_zoo: wrote %s and %s%s\n", output, ext_path, zoo_variant ? " (variant)" : "");
    return EXIT_SUCCESS;
}
