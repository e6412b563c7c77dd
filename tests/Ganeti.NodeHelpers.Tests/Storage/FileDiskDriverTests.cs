using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.NodeHelpers.Storage.FileStorage;
using Ganeti.NodeHelpers.Tests.TestSupport;

namespace Ganeti.NodeHelpers.Tests.Storage;

public sealed class FileDiskDriverTests : IDisposable
{
    private readonly TempRoot root = new();
    private readonly FileDiskDriver driver;

    public FileDiskDriverTests()
    {
        driver = new FileDiskDriver("file", new FileStoragePolicy(root.Context), ProcessCommandRunner.Instance);
    }

    public void Dispose() => root.Dispose();

    private string DiskPath(string instance = "inst1.example.com", int idx = 0) =>
        Path.Combine(root.FileStorageDir, instance, $"{Guid.NewGuid()}.file.disk{idx}");

    private static DiskCreateRequest Req(long size) => new("inst1.example.com", size, true);

    [Fact]
    public async Task Create_raw_makes_a_sparse_file_of_the_size_in_the_instance_directory()
    {
        var path = DiskPath();
        var disk = Disks.File(path, 64);
        var made = await driver.CreateAsync(disk, Req(64), default);
        Assert.Equal(path, made.Path);
        Assert.Equal("raw", made.Format);
        Assert.Equal(64L * 1024 * 1024, new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, Modes.Of(path));
        var assembled = await driver.AssembleAsync(disk, "inst1.example.com", true, default);
        Assert.Equal(path, assembled.Path);
    }

    [Fact]
    public async Task Create_qcow2_uses_qemu_img_and_grow_resizes_the_virtual_size()
    {
        var path = DiskPath();
        var disk = Disks.File(path, 32, "qcow2");
        var made = await driver.CreateAsync(disk, Req(32), default);
        Assert.Equal("qcow2", made.Format);
        Assert.Equal("qcow2", ImageFormat.Detect(path));
        await driver.GrowAsync(disk, 16, dryRun: false, default);
        var info = await ProcessCommandRunner.Instance.RunAsync(new CommandSpec("qemu-img", "info", "--output=json", path), default);
        Assert.True(info.Succeeded, info.Stderr);
        Assert.Contains("\"virtual-size\": " + 48L * 1024 * 1024, info.Stdout);
        Assert.Equal("qcow2", (await driver.AssembleAsync(disk, "i", true, default)).Format);
    }

    [Fact]
    public async Task Grow_raw_extends_the_file_and_dry_run_changes_nothing()
    {
        var path = DiskPath();
        var disk = Disks.File(path, 8);
        await driver.CreateAsync(disk, Req(8), default);
        await driver.GrowAsync(disk, 8, dryRun: true, default);
        Assert.Equal(8L << 20, new FileInfo(path).Length);
        await driver.GrowAsync(disk, 8, dryRun: false, default);
        Assert.Equal(16L << 20, new FileInfo(path).Length);
    }

    [Fact]
    public async Task A_path_outside_the_allowed_directories_is_refused_and_nothing_is_created()
    {
        var outside = Path.Combine(root.Dir("elsewhere"), "x", "disk0");
        var e = await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Disks.File(outside), Req(8), default));
        Assert.Contains("not acceptable for file storage", e.Message);
        Assert.False(Directory.Exists(Path.GetDirectoryName(outside)));
    }

    [Theory]
    [InlineData("relative/disk0")]
    [InlineData("/../etc/disk0")]
    public async Task Relative_or_unnormalized_paths_are_refused(string tail)
    {
        var path = tail.StartsWith('/') ? root.FileStorageDir + tail : tail;
        var e = await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Disks.File(path), Req(8), default));
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
    }

    [Fact]
    public async Task A_symbolic_link_leading_out_of_the_allowed_directory_is_refused()
    {
        var target = root.Dir("secret");
        Directory.CreateSymbolicLink(Path.Combine(root.FileStorageDir, "evil"), target);
        var e = await Assert.ThrowsAsync<GanetiException>(() =>
            driver.CreateAsync(Disks.File(Path.Combine(root.FileStorageDir, "evil", "disk0")), Req(8), default));
        Assert.Contains("outside", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public async Task With_no_allowed_paths_file_storage_is_refused()
    {
        root.Context.AllowedFileStoragePaths = [];
        var e = await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Disks.File(DiskPath()), Req(8), default));
        Assert.Contains("No paths are allowed", e.Message);
    }

    [Fact]
    public async Task The_file_storage_paths_file_adds_allowed_directories()
    {
        var extra = root.Dir("extra-storage");
        Directory.CreateDirectory(Path.GetDirectoryName(root.Paths.FileStoragePathsFile)!);
        File.WriteAllText(root.Paths.FileStoragePathsFile, $"# allowed\n{extra}\n");
        var path = Path.Combine(extra, "i1", "disk0");
        await driver.CreateAsync(Disks.File(path), Req(4), default);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task A_size_that_does_not_fit_is_refused_and_leaves_no_directory()
    {
        var path = DiskPath("big.example.com");
        var e = await Assert.ThrowsAsync<GanetiException>(() =>
            driver.CreateAsync(Disks.File(path, 1L << 40), Req(1L << 40), default));
        Assert.Equal(ErrorCodes.InsufficientResources, e.Ecode);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public async Task A_failed_qcow2_create_leaves_no_partial_file_or_directory()
    {
        var path = DiskPath("q.example.com");
        var failing = new FileDiskDriver("file", new FileStoragePolicy(root.Context), new FailingRunner());
        await Assert.ThrowsAsync<GanetiException>(() => failing.CreateAsync(Disks.File(path, 8, "qcow2"), Req(8), default));
        Assert.False(File.Exists(path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public async Task Creating_over_an_existing_file_is_refused_and_keeps_it()
    {
        var path = DiskPath();
        await driver.CreateAsync(Disks.File(path, 4), Req(4), default);
        File.WriteAllText(path, "precious");
        var e = await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Disks.File(path, 4), Req(4), default));
        Assert.Equal(ErrorCodes.AlreadyExists, e.Ecode);
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Fact]
    public async Task Remove_deletes_the_file_and_the_empty_instance_directory_and_tolerates_a_missing_disk()
    {
        var path = DiskPath("gone.example.com");
        var disk = Disks.File(path, 4);
        await driver.CreateAsync(disk, Req(4), default);
        await driver.RemoveAsync(disk, default);
        Assert.False(File.Exists(path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
        Assert.True(Directory.Exists(root.FileStorageDir));
        await driver.RemoveAsync(disk, default);
    }

    [Fact]
    public async Task Rename_moves_the_file_to_the_new_logical_id()
    {
        var oldPath = DiskPath("old.example.com");
        var newPath = DiskPath("new.example.com");
        var disk = Disks.File(oldPath, 4);
        await driver.CreateAsync(disk, Req(4), default);
        await driver.RenameAsync(disk, Disks.File(newPath).LogicalId, default);
        Assert.True(File.Exists(newPath));
        Assert.False(Directory.Exists(Path.GetDirectoryName(oldPath)));
    }

    [Fact]
    public async Task Assemble_of_a_missing_disk_fails_and_find_returns_null()
    {
        var disk = Disks.File(DiskPath(), 4);
        await Assert.ThrowsAsync<GanetiException>(() => driver.AssembleAsync(disk, "i", true, default));
        Assert.Null(await driver.FindAsync(disk, default));
    }

    [Fact]
    public async Task Space_reports_total_and_free_mib_of_the_storage_directory()
    {
        var space = Assert.Single(await driver.GetSpaceAsync([new StorageUnit("file", root.FileStorageDir)], default));
        Assert.Equal("file", space.Type);
        Assert.True(space.StorageSize > 0 && space.StorageFree <= space.StorageSize);
    }

    [Fact]
    public async Task Unknown_file_drivers_are_refused()
    {
        await Assert.ThrowsAsync<GanetiException>(() =>
            driver.CreateAsync(Disks.File(DiskPath(), 4, driver: "nbd"), Req(4), default));
    }

    private sealed class FailingRunner : ICommandRunner
    {
        public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
        {
            // Leave a partial image behind, as a crashing tool would.
            File.WriteAllText(command.Arguments[^2], "partial");
            return Task.FromResult(new CommandResult(command, 1, "", "simulated failure", false));
        }
    }
}
