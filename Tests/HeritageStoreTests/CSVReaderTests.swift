import Testing

@testable import HeritageStore

/// The CSV reader gives the same records, on the same lines, however many it is asked for at a
/// time: a register is read a block at a time, and a block may end anywhere between records.
@Suite struct CSVReaderTests {
    static let text =
        "\u{FEFF}code,name,description\r\n"
        + "A-1,\"Stari most\",\"one line\"\r\n"
        + "\n"
        + "A-2,\"two\nlines\",\"a \"\"quoted\"\" word, and a comma\"\n"
        + "A-3,,\n"
        + "\n\n"
        + "A-4,\"\",last\n"
        + "A-5,no newline at the end,\"x\""

    @Test func blocksOfAnySizeGiveTheSameRecords() throws {
        let bytes = Array(Self.text.utf8)
        let whole = try CSVReader.records(bytes, file: "t.csv")
        #expect(whole.map(\.line) == [1, 2, 4, 6, 9, 10])
        #expect(whole[2].fields == ["A-2", "two\nlines", "a \"quoted\" word, and a comma"])
        #expect(whole[5].fields == ["A-5", "no newline at the end", "x"])
        for limit in 1...7 {
            var reader = CSVReader(bytes, file: "t.csv")
            var records: [CSVReader.Record] = []
            while case let block = try reader.next(limit: limit), !block.isEmpty {
                #expect(block.count <= limit)
                records += block
            }
            #expect(records.map(\.line) == whole.map(\.line), "blocks of \(limit)")
            #expect(records.map(\.fields) == whole.map(\.fields), "blocks of \(limit)")
        }
    }

    /// An error in a later block names its line, as it did when the file was read whole.
    @Test func anUnclosedQuoteInALaterBlockNamesItsLine() throws {
        let bytes = Array("a,b\n1,2\n3,4\n5,\"open\n6,7\n".utf8)
        var reader = CSVReader(bytes, file: "t.csv")
        #expect(try reader.next(limit: 2).count == 2)
        #expect(try reader.next(limit: 1).count == 1)
        let error = #expect(throws: HeritageStoreError.self) { try reader.next(limit: 2) }
        #expect(error?.description.contains("t.csv:4") == true, "\(String(describing: error))")
    }
}
