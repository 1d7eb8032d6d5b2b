import assert from "node:assert/strict";
import { patientGroup, patientId, patientKey } from "../../lib/data/mod.ts";

Deno.test("patientKey parses the Kermany name patterns, keeping bacteria/virus in the key", () => {
  const table: [string, string][] = [
    ["person123_bacteria_456.jpeg", "person123_bacteria"],
    ["person123_virus_457.jpeg", "person123_virus"],
    ["person447_virus_921_1.jpeg", "person447_virus"],
    ["train/PNEUMONIA/person1_bacteria_1.jpeg", "person1_bacteria"],
    ["IM-0115-0001.jpeg", "IM-0115"],
    ["IM-0429-0001-0002.jpeg", "IM-0429"],
    ["NORMAL2-IM-1427-0001.jpeg", "NORMAL2-IM-1427"],
    ["NORMAL2-IM-0395-0001-0001.jpeg", "NORMAL2-IM-0395"],
    ["im-0007-0001.JPG", "im-0007"],
  ];
  for (const [name, id] of table) {
    assert.deepEqual(patientKey(name), { patientId: id, recognised: true }, name);
  }
});

Deno.test("patientKey falls back to the file stem for unknown patterns and flags it", () => {
  assert.deepEqual(patientKey("NORMAL/scan_42.png"), { patientId: "scan_42", recognised: false });
  assert.deepEqual(patientKey("person12.jpeg"), { patientId: "person12", recognised: false });
  assert.deepEqual(patientKey("IM-0115.jpeg"), { patientId: "IM-0115", recognised: false });
  assert.equal(patientId("noext"), "noext");
});

Deno.test("patientGroup: personN alone under 'person', the full id otherwise", () => {
  const table: [string, string, string][] = [
    ["person123_bacteria", "person123_bacteria", "person123"],
    ["person123_virus", "person123_virus", "person123"],
    ["IM-0115", "IM-0115", "IM-0115"],
    ["NORMAL2-IM-1427", "NORMAL2-IM-1427", "NORMAL2-IM-1427"],
    ["scan_42", "scan_42", "scan_42"],
  ];
  for (const [id, personType, person] of table) {
    assert.equal(patientGroup(id, "person-type"), personType, id);
    assert.equal(patientGroup(id, "person"), person, id);
  }
});
