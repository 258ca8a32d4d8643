import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { dotnetDetector } from '../../../lib/languages/dotnet/detect.js';
import { writeTree } from '../../helpers/tree.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'languages');
const fixture = (name: string) => openRepo(join(FIXTURES, name));
const temp = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'dotnet-'));
  writeTree(root, files);
  return openRepo(root);
};

describe('dotnetDetector', () => {
  it('matches project and solution files at the top of the folder', () => {
    const repo = fixture('dotnet-solution');
    assert.equal(dotnetDetector.matches(repo, '.'), true);
    assert.equal(dotnetDetector.matches(repo, 'src/Shop.Api'), true);
    assert.equal(dotnetDetector.matches(repo, 'src'), false);
  });

  it('reads an ASP.NET Core net8.0 web project', () => {
    const f = dotnetDetector.detect(fixture('dotnet-aspnet'), '.');
    assert.equal(f.language, 'dotnet');
    assert.deepEqual(f.languageVersion, { value: '8.0', source: 'Orders.Api.csproj:4' });
    assert.deepEqual(f.framework, { value: 'aspnetcore', source: 'Orders.Api.csproj:1' });
    assert.deepEqual(f.packageManager, { value: 'dotnet', source: 'Orders.Api.csproj' });
    assert.deepEqual(f.lockfile, { value: 'packages.lock.json', source: 'packages.lock.json' });
    assert.deepEqual(f.build, { value: 'dotnet publish Orders.Api.csproj -c Release -o /app/publish', source: 'Orders.Api.csproj' });
    assert.deepEqual(f.entry, { value: 'Orders.Api.csproj', source: 'Orders.Api.csproj' });
    assert.deepEqual(f.start, { value: ['dotnet', 'Orders.Api.dll'], source: 'Orders.Api.csproj' });
    // The http profile of launchSettings.json is where the project states its port (issue 12); the image
    // listens there through ASPNETCORE_HTTP_PORTS.
    assert.deepEqual(f.port, { value: 5123, source: 'Properties/launchSettings.json:5' });
    assert.deepEqual(f.healthPath, { value: '/healthz', source: 'Program.cs:11' });
    assert.equal(f.worker, undefined);
    assert.equal(f.library, undefined);
    assert.deepEqual(f.dependencies, [
      'Npgsql.EntityFrameworkCore.PostgreSQL',
      'Microsoft.Extensions.Diagnostics.HealthChecks.EntityFrameworkCore',
      'Swashbuckle.AspNetCore',
    ]);
    // obj/ output and Properties/launchSettings.json are left out.
    assert.deepEqual(f.sourceFiles, ['Data/OrdersDb.cs', 'Program.cs', 'Orders.Api.csproj', 'appsettings.Development.json', 'appsettings.json']);
  });

  describe('a solution with a web API, a worker and tests', () => {
    const repo = fixture('dotnet-solution');

    it('makes the solution folder an aggregator', () => {
      const f = dotnetDetector.detect(repo, '.');
      assert.equal(f.library, true);
      assert.deepEqual(f.languageVersion, { value: '8.0', source: 'global.json:3' });
      assert.deepEqual(f.entry, { value: 'Shop.sln', source: 'Shop.sln' });
      assert.deepEqual(f.sourceFiles, ['Shop.sln', 'global.json', 'Directory.Build.props']);
    });

    it('publishes a multi-targeting web project for its highest framework, on the Kestrel URL port', () => {
      const f = dotnetDetector.detect(repo, 'src/Shop.Api');
      assert.deepEqual(f.languageVersion, { value: '8.0', source: 'src/Shop.Api/Shop.Api.csproj:3' });
      assert.deepEqual(f.framework, { value: 'aspnetcore', source: 'src/Shop.Api/Shop.Api.csproj:1' });
      assert.deepEqual(f.build, { value: 'dotnet publish Shop.Api.csproj -c Release -f net8.0 -o /app/publish', source: 'src/Shop.Api/Shop.Api.csproj:3' });
      assert.deepEqual(f.start, { value: ['dotnet', 'ShopApi.dll'], source: 'src/Shop.Api/Shop.Api.csproj:4' });
      assert.deepEqual(f.port, { value: 5080, source: 'src/Shop.Api/appsettings.json:5' });
      assert.deepEqual(f.lockfile, { value: null, source: 'default' });
      assert.deepEqual(f.dependencies, ['StackExchange.Redis']);
    });

    it('reads a worker service, resolving the framework from Directory.Build.props', () => {
      const f = dotnetDetector.detect(repo, 'src/Shop.Worker');
      assert.deepEqual(f.languageVersion, { value: '8.0', source: 'Directory.Build.props:3' });
      assert.deepEqual(f.framework, { value: 'worker', source: 'src/Shop.Worker/Shop.Worker.csproj:1' });
      assert.equal(f.worker, true);
      assert.deepEqual(f.port, { value: null, source: 'src/Shop.Worker/Shop.Worker.csproj:1' });
      assert.deepEqual(f.start, { value: ['dotnet', 'Shop.Worker.dll'], source: 'src/Shop.Worker/Shop.Worker.csproj' });
      assert.deepEqual(f.entry, { value: 'Shop.Worker.csproj', source: 'src/Shop.Worker/Shop.Worker.csproj' });
      // Its ProjectReference to Shop.Api brings that project's packages into its process (issue 12: a shared
      // event-bus project's client is how eShop-style services reach RabbitMQ).
      assert.deepEqual(f.dependencies, ['Microsoft.Extensions.Hosting', 'RabbitMQ.Client', 'StackExchange.Redis']);
      assert.deepEqual(f.sourceFiles, [
        'src/Shop.Worker/Program.cs',
        'src/Shop.Worker/Worker.cs',
        'src/Shop.Worker/Shop.Worker.csproj',
        'Directory.Build.props',
      ]);
    });

    it('makes a test project a library', () => {
      assert.equal(dotnetDetector.detect(repo, 'tests/Shop.Api.Tests').library, true);
    });
  });

  it('makes a console Exe a worker and a class library a library', () => {
    const repo = temp({
      'tool/Tool.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n    <OutputType>Exe</OutputType>\n    <TargetFramework>net9.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n',
      'tool/Program.cs': 'Console.WriteLine("hi");\n',
      'lib/Lib.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n    <TargetFramework>netstandard2.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n',
    });
    const tool = dotnetDetector.detect(repo, 'tool');
    assert.deepEqual(tool.languageVersion, { value: '9.0', source: 'tool/Tool.csproj:4' });
    assert.deepEqual(tool.framework, { value: null, source: 'default' });
    assert.equal(tool.worker, true);
    assert.deepEqual(tool.port, { value: null, source: 'tool/Tool.csproj' });
    const lib = dotnetDetector.detect(repo, 'lib');
    assert.equal(lib.library, true);
    assert.deepEqual(lib.languageVersion, { value: '8.0', source: 'default' });
  });

  it('uses port 80 before .NET 8 and an F# project name', () => {
    const repo = temp({
      'Web.fsproj': '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <PropertyGroup>\n    <TargetFramework>net7.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n',
      'Program.fs': 'open System\n',
    });
    const f = dotnetDetector.detect(repo, '.');
    assert.deepEqual(f.port, { value: 80, source: 'default' });
    assert.deepEqual(f.start, { value: ['dotnet', 'Web.dll'], source: 'Web.fsproj' });
    assert.deepEqual(f.sourceFiles, ['Program.fs', 'Web.fsproj']);
  });
});
