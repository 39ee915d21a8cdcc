/**
 * Minimal but valid Office Open XML packages (stored zip, no compression) for seed documents, so
 * the demo's .docx/.xlsx/.pptx open in Office and in zip tools.
 */
import zlib from "node:zlib";
/** DOS date/time of 2026-01-01 00:00, fixed so seeded bytes are deterministic. */
const DOS_TIME = 0;
const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1;
export function zipStored(entries) {
    const locals = [];
    const centrals = [];
    let offset = 0;
    for (const e of entries) {
        const name = Buffer.from(e.name, "utf8");
        const crc = zlib.crc32(e.data);
        const lh = Buffer.alloc(30);
        lh.writeUInt32LE(0x04034b50, 0);
        lh.writeUInt16LE(20, 4);
        lh.writeUInt16LE(0x0800, 6);
        lh.writeUInt16LE(0, 8);
        lh.writeUInt16LE(DOS_TIME, 10);
        lh.writeUInt16LE(DOS_DATE, 12);
        lh.writeUInt32LE(crc, 14);
        lh.writeUInt32LE(e.data.length, 18);
        lh.writeUInt32LE(e.data.length, 22);
        lh.writeUInt16LE(name.length, 26);
        lh.writeUInt16LE(0, 28);
        const ch = Buffer.alloc(46);
        ch.writeUInt32LE(0x02014b50, 0);
        ch.writeUInt16LE(20, 4);
        ch.writeUInt16LE(20, 6);
        ch.writeUInt16LE(0x0800, 8);
        ch.writeUInt16LE(0, 10);
        ch.writeUInt16LE(DOS_TIME, 12);
        ch.writeUInt16LE(DOS_DATE, 14);
        ch.writeUInt32LE(crc, 16);
        ch.writeUInt32LE(e.data.length, 20);
        ch.writeUInt32LE(e.data.length, 24);
        ch.writeUInt16LE(name.length, 28);
        ch.writeUInt32LE(offset, 42);
        locals.push(lh, name, e.data);
        centrals.push(ch, name);
        offset += lh.length + name.length + e.data.length;
    }
    const cd = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, cd, end]);
}
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
function part(name, xml) {
    return { name, data: Buffer.from(XML + xml, "utf8") };
}
function contentTypes(overrides) {
    return part("[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        `<Default Extension="xml" ContentType="application/xml"/>` +
        overrides.map(([p, t]) => `<Override PartName="${p}" ContentType="${t}"/>`).join("") +
        `</Types>`);
}
function rels(name, list) {
    return part(name, `<Relationships xmlns="${REL_NS}">` + list.map(([id, type, target]) => `<Relationship Id="${id}" Type="${type}" Target="${target}"/>`).join("") + `</Relationships>`);
}
/** A Word document with one paragraph per line. */
export function docx(paragraphs) {
    const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${esc(p)}</w:t></w:r></w:p>`).join("");
    return zipStored([
        contentTypes([["/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"]]),
        rels("_rels/.rels", [["rId1", OFFICE_DOC, "word/document.xml"]]),
        part("word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`),
    ]);
}
function colName(i) {
    return String.fromCharCode(65 + i);
}
/** An Excel workbook with one sheet; strings are inline, numbers numeric. */
export function xlsx(rows) {
    const data = rows
        .map((row, r) => `<row r="${r + 1}">` +
        row
            .map((v, c) => typeof v === "number" ? `<c r="${colName(c)}${r + 1}"><v>${v}</v></c>` : `<c r="${colName(c)}${r + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`)
            .join("") +
        `</row>`)
        .join("");
    const R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    return zipStored([
        contentTypes([
            ["/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"],
            ["/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"],
        ]),
        rels("_rels/.rels", [["rId1", OFFICE_DOC, "xl/workbook.xml"]]),
        part("xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${R}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
        rels("xl/_rels/workbook.xml.rels", [["rId1", `${R}/worksheet`, "worksheets/sheet1.xml"]]),
        part("xl/worksheets/sheet1.xml", `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${data}</sheetData></worksheet>`),
    ]);
}
/** A PowerPoint package with one slide carrying a title text box (structure only: no master or theme). */
export function pptx(title) {
    const R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const P = "http://schemas.openxmlformats.org/presentationml/2006/main";
    const A = "http://schemas.openxmlformats.org/drawingml/2006/main";
    return zipStored([
        contentTypes([
            ["/ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"],
            ["/ppt/slides/slide1.xml", "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"],
        ]),
        rels("_rels/.rels", [["rId1", OFFICE_DOC, "ppt/presentation.xml"]]),
        part("ppt/presentation.xml", `<p:presentation xmlns:p="${P}" xmlns:r="${R}" xmlns:a="${A}"><p:sldIdLst><p:sldId id="256" r:id="rId1"/></p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`),
        rels("ppt/_rels/presentation.xml.rels", [["rId1", `${R}/slide`, "slides/slide1.xml"]]),
        part("ppt/slides/slide1.xml", `<p:sld xmlns:p="${P}" xmlns:r="${R}" xmlns:a="${A}"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>` +
            `<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="838200" y="365125"/><a:ext cx="10515600" cy="1325563"/></a:xfrm></p:spPr>` +
            `<p:txBody><a:bodyPr/><a:p><a:r><a:t>${esc(title)}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`),
    ]);
}
//# sourceMappingURL=ooxml.js.map