# normalize_dump.awk — prepares `h5dump -A [-p]` output of an origin and of its carved container for a
# line-by-line comparison (run_carve.sh). Portable awk (mawk, gawk). Variables (-v):
#
#   mode=list       print the ordinals (1-based, in dump order) of the datasets carve stores chunked in
#                   place of their layout: neither CHUNKED nor COMPACT in the origin, with a SIMPLE
#                   dataspace without a zero dimension (scalars, null and empty datasets keep their
#                   layout, and compact ones stay compact). Run on the
#                   origin's -p dump; its output is `converted` below. Datasets h5dump shows through an
#                   external link belong to another file: they are not counted.
#   mode=normalize  (default) print the dump normalized:
#     from, to      the container's and the origin's file names: in the lines of dereferenced references
#                   (DATASET "<file>/path") the container's name is replaced by the origin's;
#     converted     space-separated dataset ordinals from mode=list;
#     side          origin | container.
#
# Normalizing changes exactly these, and says so in the output:
#   1. the first line (HDF5 "<file name>" {) names no file;
#   2. a DATA block nested in another DATA block — h5dump -A prints the data of the dataset an object
#      reference attribute points at — is replaced by a marker: it is dataset data, which the container
#      holds only where the program read it;
#   3. in every STORAGE_LAYOUT block the SIZE and OFFSET lines are dropped: the container stores only the
#      chunks read, at its own addresses (CHUNKED and the chunk shape stay compared);
#   4. for a converted dataset the STORAGE_LAYOUT block becomes one marker line (on the origin side always,
#      on the container side only when its layout really is CHUNKED: otherwise the block is printed as is
#      and the comparison fails), and its FILTERS and ALLOCATION_TIME blocks are dropped (h5dump prints
#      neither for a virtual dataset, both for a chunked one). FILLVALUE stays compared.

function indent_of(s) {
    match(s, /^ */)
    return RLENGTH
}

function spaces(n,    s) {
    s = ""
    while (n-- > 0)
        s = s " "
    return s
}

# Replaces every occurrence of the literal string a (not a regex) in s by b.
function replace_all(s, a, b,    out, i) {
    if (a == "")
        return s
    out = ""
    while ((i = index(s, a)) > 0) {
        out = out substr(s, 1, i - 1) b
        s = substr(s, i + length(a))
    }
    return out s
}

# A SIMPLE dataspace line without a zero dimension: DATASPACE  SIMPLE { ( 60, 50 ) / ( 60, 50 ) }
function storable_space(line,    dims, n, parts, i) {
    if (line !~ /DATASPACE +SIMPLE/)
        return 0
    dims = line
    sub(/^[^(]*\( */, "", dims)
    sub(/ *\).*$/, "", dims)
    n = split(dims, parts, / *, */)
    for (i = 1; i <= n; i++)
        if (parts[i] + 0 == 0)
            return 0
    return 1
}

BEGIN {
    if (mode == "")
        mode = "normalize"
    n = split(converted, list, " ")
    for (i = 1; i <= n; i++)
        conv[list[i]] = 1
    data_depth = 0      # DATA blocks open
    skip_close = ""     # while skipping a block: the line that closes it
    ordinal = 0         # datasets seen (outside DATA blocks)
    cur_conv = 0
    cur_storable = 0
    layout_close = ""   # while inside STORAGE_LAYOUT: its closing line
    layout_first = ""
    ext_close = ""      # while inside an EXTERNAL_LINK block (another file's objects): its closing line
}

# EXTERNAL_LINK blocks: h5dump follows the link and prints the other file's objects inside.
ext_close == "" && /^ *EXTERNAL_LINK "/ {
    ext_close = spaces(indent_of($0)) "}"
}
ext_close != "" && $0 == ext_close {
    ext_close = ""
}

mode == "list" {
    line = $0
    if (line ~ /^ *DATA \{$/) {
        data_close[++data_depth] = spaces(indent_of(line)) "}"
        next
    }
    if (data_depth > 0) {
        if (line == data_close[data_depth])
            data_depth--
        next
    }
    if (ext_close != "")
        next
    if (line ~ /^ *DATASET "/) {
        ordinal++
        cur_storable = 0
        next
    }
    if (line ~ /^ *DATASPACE /) {
        cur_storable = storable_space(line)
        next
    }
    if (line ~ /^ *STORAGE_LAYOUT \{$/) {
        getline first
        if (first !~ /^ *(CHUNKED|COMPACT)/ && cur_storable)
            printf "%d ", ordinal
    }
    next
}

NR == 1 {
    print "HDF5 \"<file name not compared>\" {"
    next
}

{
    line = $0
    if (skip_close != "") {
        if (line == skip_close) {
            if (skip_keep_close)
                print line
            skip_close = ""
        }
        next
    }
    if (layout_close != "") {
        # Inside a STORAGE_LAYOUT block.
        if (layout_first == "")
            layout_first = line
        if (line == layout_close) {
            if (cur_conv && (side == "origin" || layout_first ~ /^ *CHUNKED/))
                print spaces(indent_of(line)) "STORAGE_LAYOUT { <stored chunked by carve in place of this layout; FILTERS, ALLOCATION_TIME dropped> }"
            else {
                print spaces(indent_of(line)) "STORAGE_LAYOUT {"
                for (k = 1; k <= nlayout; k++)
                    print layout_lines[k]
                print line
            }
            layout_close = ""
            next
        }
        if (line !~ /^ *(SIZE|OFFSET) /)
            layout_lines[++nlayout] = line
        next
    }
    if (from != "")
        line = replace_all(line, "\"" from "/", "\"" to "/")
    if (line ~ /^ *DATA \{$/) {
        if (data_depth > 0) {
            print line
            print spaces(indent_of(line) + 3) "<data of a referenced dataset: not compared>"
            skip_close = spaces(indent_of(line)) "}"
            skip_keep_close = 1
            next
        }
        data_close[++data_depth] = spaces(indent_of(line)) "}"
        print line
        next
    }
    if (data_depth > 0 && line == data_close[data_depth]) {
        data_depth--
        print line
        next
    }
    if (data_depth == 0 && line ~ /^ *DATASET "/) {
        if (ext_close != "")
            cur_conv = 0
        else {
            ordinal++
            cur_conv = (ordinal in conv)
        }
    }
    if (data_depth == 0 && line ~ /^ *STORAGE_LAYOUT \{$/) {
        layout_close = spaces(indent_of(line)) "}"
        layout_first = ""
        nlayout = 0
        next
    }
    if (data_depth == 0 && cur_conv && line ~ /^ *(FILTERS|ALLOCATION_TIME) \{$/) {
        # dropped: h5dump prints neither for a virtual dataset, both for the chunked one in the container
        skip_close = spaces(indent_of(line)) "}"
        skip_keep_close = 0
        next
    }
    print line
}
