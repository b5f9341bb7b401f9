import QianxueCore
import Registry
import Testing
import TestSupport

@Suite struct RegionDirectoryTests {
    @Test(arguments: TestDatabase.engines)
    func guizhouIsSeededWithNinePrefecturesAnd88Counties(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let regions = f.registry.regions
            let province = try #require(regions.roots.first)
            #expect(regions.roots.count == 1)
            #expect(province.code.rawValue == "52")
            #expect(province.name == "贵州省")
            #expect(regions.children(of: province.code).count == 9)
            #expect(regions.counties(within: province.code).count == 88)
            #expect(regions.region(RegionCode("5203")!)?.name == "遵义市")
            #expect(regions.children(of: RegionCode("5203")!).count == 14)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func retiredCountyCodesMapToTheirSuccessorsAndUnknownOnesAreNamed(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let regions = f.registry.regions
            #expect(try regions.resolve("520221", field: "county").code.rawValue == "520204")
            #expect(try regions.resolve("520522", field: "county").name == "黔西市")
            #expect(throws: AppError.self) { try regions.resolve("529999", field: "county") }
            #expect(throws: AppError.self) { try regions.resolveCounty("5203", field: "county") }
            do {
                _ = try regions.resolve("12x", field: "county")
                Issue.record("a malformed code must be refused")
            } catch let e as AppError {
                #expect(e.type == .validation)
                #expect(e.fields == ["county"])
            }
        }
    }
}
