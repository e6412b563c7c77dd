namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// The node RPC procedure catalogue: names follow Ganeti's rpc_defs, each with its timeout class.
/// </summary>
public static class NodeProcedures
{
    // Timeout classes (Ganeti's RPC_TMO_*).
    public static readonly TimeSpan Urgent = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Fast = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan Normal = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Slow = TimeSpan.FromHours(1);
    public static readonly TimeSpan FourHours = TimeSpan.FromHours(4);

    public const string Version = "version";
    public const string NodeInfo = "node_info";
    public const string NodeVerify = "node_verify";

    /// <summary>Runs the hook scripts of one phase of an operation (Ganeti's hooks_runner).</summary>
    public const string HooksRunner = "hooks_runner";

    public const string InstanceStart = "instance_start";
    public const string InstanceShutdown = "instance_shutdown";
    public const string InstanceReboot = "instance_reboot";
    public const string InstanceList = "instance_list";
    public const string InstanceInfo = "instance_info";
    public const string AllInstancesInfo = "all_instances_info";
    public const string InstanceConsoleInfo = "instance_console_info";
    public const string InstanceOsAdd = "instance_os_add";
    public const string InstanceRunRename = "instance_run_rename";
    public const string InstanceBalloonMemory = "instance_balloon_memory";

    public const string MigrationInfo = "migration_info";
    public const string AcceptInstance = "accept_instance";
    public const string InstanceMigrate = "instance_migrate";
    public const string InstanceGetMigrationStatus = "instance_get_migration_status";
    public const string InstanceFinalizeMigrationDst = "instance_finalize_migration_dst";
    public const string InstanceFinalizeMigrationSrc = "instance_finalize_migration_src";

    public const string BlockdevCreate = "blockdev_create";
    public const string BlockdevRemove = "blockdev_remove";
    public const string BlockdevAssemble = "blockdev_assemble";
    public const string BlockdevShutdown = "blockdev_shutdown";
    public const string BlockdevGrow = "blockdev_grow";
    public const string BlockdevRename = "blockdev_rename";
    public const string BlockdevWipe = "blockdev_wipe";
    public const string BlockdevGetMirrorStatus = "blockdev_getmirrorstatus";
    public const string BlockdevClose = "blockdev_close";
    public const string DrbdDisconnectNet = "drbd_disconnect_net";
    public const string DrbdAttachNet = "drbd_attach_net";
    public const string DrbdWaitSync = "drbd_wait_sync";

    // replace-disks: a drbd disk's local volumes swapped, or its peer changed.
    public const string BlockdevRemoveChildren = "blockdev_removechildren";
    public const string BlockdevAddChildren = "blockdev_addchildren";

    public const string OsDiagnose = "os_diagnose";
    public const string OsGet = "os_get";
    public const string OsValidate = "os_validate";

    public const string ImportStart = "import_start";
    public const string ExportStart = "export_start";
    public const string ImpExpStatus = "impexp_status";
    public const string ImpExpAbort = "impexp_abort";
    public const string ImpExpCleanup = "impexp_cleanup";
    public const string ExportList = "export_list";
    public const string ExportInfo = "export_info";
    public const string ExportRemove = "export_remove";
    public const string InstanceExportLocal = "instance_export_local";
    public const string InstanceImportLocal = "instance_import_local";
    public const string ExportBegin = "export_begin";
    public const string FinalizeExport = "finalize_export";

    public const string HypervisorValidateParams = "hypervisor_validate_params";
    public const string UploadFile = "upload_file";
    public const string WriteSsconfFiles = "write_ssconf_files";
    public const string JobQueueUpdate = "jobqueue_update";
    public const string JobQueueRename = "jobqueue_rename";
    public const string NodeDemoteFromMc = "node_demote_from_mc";
    public const string NodeLeaveCluster = "node_leave_cluster";

    // Master failover: votes, the newest copy of the cluster's state, the old master stopped, the master IP moved.
    public const string MasterInfo = "master_info";
    public const string MasterStateRead = "master_state_read";
    public const string NodeStopMaster = "node_stop_master";
    public const string NodeActivateMasterIp = "node_activate_master_ip";
    public const string NodeDeactivateMasterIp = "node_deactivate_master_ip";

    /// <summary>The timeout a procedure gets unless the caller asks otherwise.</summary>
    public static TimeSpan TimeoutFor(string procedure) => procedure switch
    {
        Version or InstanceList or InstanceInfo or AllInstancesInfo or InstanceConsoleInfo or NodeInfo
            or MigrationInfo or InstanceGetMigrationStatus or JobQueueUpdate or JobQueueRename
            or MasterInfo or NodeStopMaster or NodeActivateMasterIp or NodeDeactivateMasterIp => Urgent,
        InstanceShutdown or InstanceReboot or BlockdevAssemble or BlockdevShutdown or HypervisorValidateParams
            or UploadFile or WriteSsconfFiles or NodeDemoteFromMc or NodeLeaveCluster or OsGet or OsDiagnose or OsValidate or BlockdevRemove
            or BlockdevClose or DrbdDisconnectNet or DrbdAttachNet => Normal,
        DrbdWaitSync => Urgent,
        InstanceOsAdd or InstanceRunRename or BlockdevWipe or BlockdevCreate or BlockdevGrow
            or InstanceExportLocal or InstanceImportLocal => FourHours,
        InstanceMigrate or AcceptInstance or HooksRunner => Slow,
        _ => Normal,
    };
}
