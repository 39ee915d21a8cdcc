# The module against the REAL daemon (node dist/daemon/cli.js daemon) over its real socket.
# Every daemon gets its own temp HOME, XDG_* directories, TMPDIR, endpoint and policy file.
# Tenant-scoped methods that are still `planned` in rpc-schema/konnekt.openrpc.json must fail with
# a clean notSupported ErrorRecord here; once `implemented`, the cmdlet must be exercised the way
# the case's E2E pattern says in EndToEnd.Tests.ps1 (real daemon, emulator and FUSE mount).
# Nothing is skipped: every case is checked one way or the other.
BeforeDiscovery {
    $root = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../../..')).Path
    $schema = Get-Content -LiteralPath (Join-Path -Path $root -ChildPath 'rpc-schema/konnekt.openrpc.json') -Raw | ConvertFrom-Json
    $script:status = @{}
    foreach ($m in $schema.methods) { if ($m.PSObject.Properties['x-konnekt-status']) { $script:status[$m.name] = $m.'x-konnekt-status' } }
    $script:families = [ordered]@{
        'Tenants' = @(
            @{ Method = 'tenant.connect'; Cmdlet = 'Connect-Konnekt'; E2E = 'Connect-Konnekt [^\n]*-DeviceCode'; Run = { Connect-Konnekt -Url https://contoso.sharepoint.com -Name contoso -DeviceCode -TimeoutSeconds 30 } }
            @{ Method = 'tenant.connect'; Cmdlet = 'Connect-Konnekt'; E2E = 'Connect-Konnekt [^\n]*-CertificatePath'; Run = { Connect-Konnekt -Url https://contoso.sharepoint.com -ClientId app -TenantId contoso.onmicrosoft.com -CertificateThumbprint ('AB' * 20) } }
            @{ Method = 'tenant.list'; Cmdlet = 'Get-KonnektTenant'; E2E = 'Get-KonnektTenant -ErrorAction'; Run = { Get-KonnektTenant } }
            @{ Method = 'tenant.status'; Cmdlet = 'Get-KonnektTenant'; E2E = 'Get-KonnektTenant -Name contoso'; Run = { Get-KonnektTenant -Name contoso } }
            @{ Method = 'tenant.disconnect'; Cmdlet = 'Disconnect-Konnekt'; E2E = '\| Disconnect-Konnekt '; Run = { Disconnect-Konnekt -Name contoso -Forget -Confirm:$false } }
        )
        'Libraries' = @(
            @{ Method = 'library.list'; Cmdlet = 'Get-KonnektSite'; E2E = 'Get-KonnektSite -Tenant'; Run = { Get-KonnektSite -Tenant contoso } }
            @{ Method = 'library.list'; Cmdlet = 'Get-KonnektLibrary'; E2E = 'Get-KonnektLibrary -Site Marketing'; Run = { Get-KonnektLibrary -Tenant contoso -Site Marketing } }
            @{ Method = 'library.refresh'; Cmdlet = 'Get-KonnektLibrary'; E2E = 'Get-KonnektLibrary [^\n]*-Refresh'; Run = { Get-KonnektLibrary -Refresh } }
        )
        'Drives' = @(
            @{ Method = 'drive.mount'; Cmdlet = 'Mount-KonnektDrive'; E2E = '\| Mount-KonnektDrive -MountPoint'; Run = { Mount-KonnektDrive -Path contoso/Marketing/Documents -MountPoint (Join-Path -Path $env:HOME -ChildPath 'Marketing') -Name Marketing -Persist } }
            @{ Method = 'drive.list'; Cmdlet = 'Get-KonnektDrive'; E2E = 'Get-KonnektDrive -ErrorAction'; Run = { Get-KonnektDrive } }
            @{ Method = 'drive.unmount'; Cmdlet = 'Dismount-KonnektDrive'; E2E = '\| Dismount-KonnektDrive -Confirm:\$false'; Run = { Dismount-KonnektDrive -Drive Marketing -Confirm:$false } }
        )
        'Items' = @(
            @{ Method = 'item.info'; Cmdlet = 'Get-KonnektItem'; E2E = 'Get-KonnektItem -Path \$planPath'; Run = { Get-KonnektItem -Path contoso/Marketing/Documents/Plan.docx } }
            @{ Method = 'item.versions'; Cmdlet = 'Get-KonnektItemVersion'; E2E = 'Get-KonnektItemVersion -Path'; Run = { Get-KonnektItemVersion -Path contoso/Marketing/Documents/Plan.docx } }
            @{ Method = 'item.restoreVersion'; Cmdlet = 'Restore-KonnektItemVersion'; E2E = '\| Select-Object -First 1 \| Restore-KonnektItemVersion'; Run = { Restore-KonnektItemVersion -Path contoso/Marketing/Documents/Plan.docx -Version 1.0 -Force } }
            @{ Method = 'item.sharingLink'; Cmdlet = 'New-KonnektSharingLink'; E2E = 'New-KonnektSharingLink -Path'; Run = { New-KonnektSharingLink -Path contoso/Marketing/Documents/Plan.docx -Scope organization -Type edit -ExpiresAt ([DateTime]::UtcNow.AddDays(7)) } }
            @{ Method = 'item.webUrl'; Cmdlet = 'Open-KonnektSite'; E2E = 'Open-KonnektSite [^\n]*-PassThru'; Run = { Open-KonnektSite -Path contoso/Marketing -PassThru } }
        )
        'Cache' = @(
            @{ Method = 'cache.stats'; Cmdlet = 'Get-KonnektCache'; E2E = 'Get-KonnektCache -Tenant contoso'; Run = { Get-KonnektCache -Tenant contoso } }
            @{ Method = 'cache.clear'; Cmdlet = 'Clear-KonnektCache'; E2E = 'Clear-KonnektCache -IncludePinned'; Run = { Clear-KonnektCache -IncludePinned -Confirm:$false } }
            @{ Method = 'cache.pin'; Cmdlet = 'Add-KonnektPin'; E2E = 'Add-KonnektPin -Path'; Run = { Add-KonnektPin -Path contoso/Marketing/Documents -NoRecurse } }
            @{ Method = 'cache.unpin'; Cmdlet = 'Remove-KonnektPin'; E2E = 'Remove-KonnektPin -Path'; Run = { Remove-KonnektPin -Path contoso/Marketing/Documents -Confirm:$false } }
        )
        'Uploads' = @(
            @{ Method = 'upload.list'; Cmdlet = 'Get-KonnektUpload'; E2E = 'Get-KonnektUpload -Tenant contoso'; Run = { Get-KonnektUpload -Tenant contoso } }
            @{ Method = 'upload.wait'; Cmdlet = 'Wait-KonnektUpload'; E2E = 'Wait-KonnektUpload -Timeout'; Run = { Wait-KonnektUpload -Timeout 5 } }
        )
    }
    foreach ($name in $script:families.Keys) { foreach ($case in $script:families[$name]) { $case.Status = $script:status[$case.Method]; $case.Family = $name } }
    $all = @($script:families.Values | ForEach-Object { $_ })
    $script:plannedCases = @($all | Where-Object { $_.Status -eq 'planned' })
    $script:implementedCases = @($all | Where-Object { $_.Status -ne 'planned' })
}

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath '../Helpers/TestHelpers.ps1')
    Import-Module -Name $KonnektManifest -Force
    Set-StrictMode -Version 3.0
    $script:saved = Save-KonnektEnvironment
    $script:root = New-KonnektTestDirectory -Purpose 'daemon'
    Set-KonnektIsolatedEnvironment -Root $root
    $env:KONNEKT_CLI = Join-Path -Path $KonnektRepoRoot -ChildPath 'dist/daemon/cli.js'
    # Machine policy fixes cacheSizeMiB (docs/rpc.md: a key present in policy is locked).
    Set-Content -LiteralPath $env:KONNEKT_POLICY_FILE -Value '{ "cacheSizeMiB": 2048 }'
    # Every daemon this file starts, so AfterAll can stop exactly those if a test failed midway.
    $script:daemonPids = [System.Collections.Generic.List[int]]::new()
    $script:startDaemon = {
        try {
            Start-KonnektDaemon -ErrorAction Stop
        } finally {
            # Even when the start is reported as failed, a daemon may be running: its lock names it.
            $lock = Join-Path -Path $script:root -ChildPath 'state/konnekt/daemon.lock'
            if (Test-Path -LiteralPath $lock) {
                $owner = Get-Content -LiteralPath $lock -Raw | ConvertFrom-Json
                if (-not $script:daemonPids.Contains([int]$owner.pid)) { $script:daemonPids.Add([int]$owner.pid) }
            }
        }
    }
    & $startDaemon
}

AfterAll {
    try { Stop-KonnektDaemon -Confirm:$false -ErrorAction Stop } catch { Write-Warning "Stop-KonnektDaemon: $_" }
    foreach ($daemonPid in $script:daemonPids) {
        $process = Get-Process -Id $daemonPid -ErrorAction SilentlyContinue
        # Only a daemon started here: its environment points into this test's directory.
        $environ = "/proc/$daemonPid/environ"
        $ours = $false
        try { $ours = [System.IO.File]::ReadAllText($environ) -match [regex]::Escape($script:root) } catch { $ours = $false }  # already gone
        if ($process -and $ours) { $process.Kill(); $null = $process.WaitForExit(10000) }
    }
    Restore-KonnektEnvironment -Saved $script:saved
    Remove-KonnektTestDirectory -Path $script:root
}

Describe 'Daemon: start and status' {
    It 'Start-KonnektDaemon is idempotent: a second call starts nothing' {
        $before = (Get-KonnektStatus -ErrorAction Stop).Pid
        Start-KonnektDaemon -ErrorAction Stop
        (Get-KonnektStatus -ErrorAction Stop).Pid | Should -Be $before
    }
    It 'Get-KonnektStatus shows this daemon, in the isolated directories' {
        $status = Get-KonnektStatus -ErrorAction Stop
        $status.PSObject.TypeNames[0] | Should -Be 'Konnekt.Status'
        $status.Endpoint | Should -Be $env:KONNEKT_ENDPOINT
        $status.ConfigFile | Should -BeLike "$env:XDG_CONFIG_HOME*"
        $status.LogFile | Should -BeLike "$env:XDG_STATE_HOME*"
        $status.PolicyFile | Should -Be $env:KONNEKT_POLICY_FILE
        $status.StartedAt | Should -BeOfType [DateTime]
        @($status.ConfigErrors).Count | Should -Be 0
        (Get-Process -Id $status.Pid).ProcessName | Should -Be 'node'
    }
}

Describe 'Configuration round trip' {
    It 'sets, reads back and resets a user setting' {
        $set = Set-KonnektConfiguration -Key logLevel -Value debug -PassThru -ErrorAction Stop
        $set.PSObject.TypeNames[0] | Should -Be 'Konnekt.Setting'
        $set.Value | Should -Be 'debug'
        $set.Source | Should -Be 'user'
        (Get-KonnektConfiguration -Key logLevel).Value | Should -Be 'debug'
        (Get-Content -LiteralPath (Get-KonnektStatus).ConfigFile -Raw | ConvertFrom-Json).logLevel | Should -Be 'debug'
        $reset = Reset-KonnektConfiguration -Key logLevel -PassThru -Confirm:$false -ErrorAction Stop
        $reset.Value | Should -Be 'info'
        $reset.Source | Should -Be 'default'
    }
    It 'keeps types: integers, arrays and null' {
        (Set-KonnektConfiguration -Key uploads.maxConcurrent -Value 8 -PassThru -ErrorAction Stop).Value | Should -Be 8
        $list = (Set-KonnektConfiguration -Key discovery.include -Value @('*/sites/Proj*') -PassThru -ErrorAction Stop).Value
        @($list) | Should -Be @('*/sites/Proj*')
        (Set-KonnektConfiguration -Key clientId -Value $null -PassThru -ErrorAction Stop).Value | Should -BeNullOrEmpty
        (Get-KonnektConfiguration -Key 'discovery.*' | Where-Object Key -eq 'discovery.include').Source | Should -Be 'user'
    }
    It '-WhatIf changes nothing' {
        Set-KonnektConfiguration -Key logLevel -Value trace -WhatIf
        (Get-KonnektConfiguration -Key logLevel).Value | Should -Be 'info'
    }
    It 'an invalid value is an InvalidArgument error and the value stays' {
        $err = $null
        try { Set-KonnektConfiguration -Key logLevel -Value loud -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'Konnekt.configInvalid,Set-KonnektConfiguration'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike '*logLevel*'
        $err.TargetObject | Should -Be 'logLevel'
        (Get-KonnektConfiguration -Key logLevel).Value | Should -Be 'info'
    }
    It 'an unknown key is ObjectNotFound' {
        { Get-KonnektConfiguration -Key no.such.key -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.notFound,Get-KonnektConfiguration'
    }
    It 'a key fixed by machine policy is shown locked and cannot be changed (PermissionDenied)' {
        $setting = Get-KonnektConfiguration -Key cacheSizeMiB
        $setting.Locked | Should -BeTrue
        $setting.Source | Should -Be 'policy'
        $setting.Value | Should -Be 2048
        $err = $null
        try { Set-KonnektConfiguration -Key cacheSizeMiB -Value 4096 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'Konnekt.policyLocked,Set-KonnektConfiguration'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*administrator*'
        { Reset-KonnektConfiguration -Key cacheSizeMiB -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.policyLocked,Reset-KonnektConfiguration'
        (Get-KonnektConfiguration -Key cacheSizeMiB).Value | Should -Be 2048
    }
}

Describe 'Daemon log' {
    It 'Get-KonnektLog returns typed entries of this daemon, oldest first' {
        $entries = @(Get-KonnektLog -Tail 200 -ErrorAction Stop)
        $entries.Count | Should -BeGreaterThan 0
        $entries[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.LogEntry'
        $ready = @($entries | Where-Object Message -eq 'daemon ready')
        $ready.Count | Should -BeGreaterThan 0
        $ready[0].Level | Should -Be 'info'
        $ready[0].Component | Should -Be 'daemon'
        $ready[0].Time | Should -BeOfType [DateTime]
        @($entries | Where-Object { $_.Message -eq 'setting changed' -and $_.Data.key -eq 'logLevel' }).Count | Should -BeGreaterThan 0
        @(Get-KonnektLog -Tail 200 -Level error | Where-Object { $_.Level -in 'info', 'debug', 'trace', 'warn' }).Count | Should -Be 0
    }
}

Describe 'Tenant-scoped methods (Tenants, Libraries, Drives, Items, Cache, Uploads)' {
    BeforeAll {
        $script:endToEnd = Get-Content -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath 'EndToEnd.Tests.ps1') -Raw
    }
    if ($plannedCases.Count -gt 0) {
        It '<Family>: <Cmdlet> (<Method>) answers notSupported while the method is planned' -ForEach $plannedCases {
            $err = $null
            try { & $Run -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be "Konnekt.notSupported,$Cmdlet"
            $err.CategoryInfo.Category | Should -Be 'NotImplemented'
            $err.Exception.Message | Should -BeLike "*$Method*"
        }
    }
    if ($implementedCases.Count -gt 0) {
        It '<Family>: <Cmdlet> (<Method>) is <Status>: EndToEnd.Tests.ps1 runs it against the emulator (<E2E>)' -ForEach $implementedCases {
            $Status | Should -Be 'implemented'
            $endToEnd | Should -Match $E2E -Because "EndToEnd.Tests.ps1 must exercise $Method through $Cmdlet"
        }
    }
}

Describe 'The logoff example (docs/examples/citrix-logoff.ps1)' {
    It 'runs in a fresh pwsh, waits for uploads within its timeout and stops the daemon' {
        $daemonPid = (Get-KonnektStatus -ErrorAction Stop).Pid
        $savedModulePath = $env:PSModulePath
        try {
            # The example imports the module by name, as an installed module.
            $env:PSModulePath = (Join-Path -Path $KonnektRepoRoot -ChildPath 'powershell') + [System.IO.Path]::PathSeparator + $env:PSModulePath
            # This very PowerShell: a .NET global tool runs as `dotnet pwsh.dll`.
            $exe = (Get-Process -Id $PID).Path
            [string[]]$prefix = if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @((Join-Path -Path $PSHOME -ChildPath 'pwsh.dll')) } else { @() }
            $output = & $exe @prefix -NoProfile -NonInteractive -File (Join-Path -Path $KonnektRepoRoot -ChildPath 'docs/examples/citrix-logoff.ps1') -UploadTimeoutSeconds 5 *>&1 | Out-String
            $LASTEXITCODE | Should -Be 0 -Because $output
        } finally { $env:PSModulePath = $savedModulePath }
        { Get-KonnektStatus -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.daemonUnavailable,Get-KonnektStatus'
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-Process -Id $daemonPid -ErrorAction SilentlyContinue) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Get-Process -Id $daemonPid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Daemon: stop' {
    BeforeAll { & $startDaemon }
    It 'Stop-KonnektDaemon -WhatIf leaves it running' {
        Stop-KonnektDaemon -WhatIf
        { Get-KonnektStatus -ErrorAction Stop } | Should -Not -Throw
    }
    It 'Stop-KonnektDaemon stops it; status then says to start it; a second stop is a no-op' {
        $daemonPid = (Get-KonnektStatus -ErrorAction Stop).Pid
        Stop-KonnektDaemon -Confirm:$false -ErrorAction Stop
        $err = $null
        try { Get-KonnektStatus -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'Konnekt.daemonUnavailable,Get-KonnektStatus'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*Start-KonnektDaemon*'
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-Process -Id $daemonPid -ErrorAction SilentlyContinue) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Get-Process -Id $daemonPid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        { Stop-KonnektDaemon -Confirm:$false -ErrorAction Stop } | Should -Not -Throw
    }
}

Describe 'Daemon and module agree on the endpoint rules' -Tag 'Unix' {
    AfterEach {
        try { Stop-KonnektDaemon -Confirm:$false -ErrorAction Stop } catch { Write-Warning "Stop-KonnektDaemon: $_" }
        $env:KONNEKT_ENDPOINT = Join-Path -Path $script:root -ChildPath 'k.sock'
        $env:XDG_RUNTIME_DIR = Join-Path -Path $script:root -ChildPath 'run'
    }
    It 'rule 2: $XDG_RUNTIME_DIR/konnekt/konnekt.sock' {
        $env:KONNEKT_ENDPOINT = $null
        & $startDaemon
        (Get-KonnektStatus -ErrorAction Stop).Endpoint | Should -Be (Join-Path -Path $env:XDG_RUNTIME_DIR -ChildPath 'konnekt/konnekt.sock')
    }
    It 'rule 3: $TMPDIR/CoreFxPipe_konnekt-UID, which .NET derives from the pipe name' {
        $env:KONNEKT_ENDPOINT = $null
        $env:XDG_RUNTIME_DIR = $null
        & $startDaemon
        (Get-KonnektStatus -ErrorAction Stop).Endpoint | Should -Be (Join-Path -Path $env:TMPDIR -ChildPath "CoreFxPipe_konnekt-$((& id -u).Trim())")
    }
}

Describe 'Daemon: start failures' {
    It 'a missing KONNEKT_CLI is ObjectNotFound and starts nothing' {
        $before = $env:KONNEKT_CLI
        try {
            $env:KONNEKT_CLI = Join-Path -Path $script:root -ChildPath 'no-such-cli.js'
            { Start-KonnektDaemon -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.notFound,Start-KonnektDaemon'
        } finally { $env:KONNEKT_CLI = $before }
    }
    It 'a daemon that refuses to start reports why' {
        $before = $env:KONNEKT_ENDPOINT
        try {
            # Longer than a Unix socket path may be: the daemon exits with configInvalid.
            $env:KONNEKT_ENDPOINT = Join-Path -Path $script:root -ChildPath ('x' * 120)
            $err = $null
            try { Start-KonnektDaemon -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'Konnekt.daemonUnavailable,Start-KonnektDaemon'
            $err.Exception.Message | Should -BeLike '*107 bytes*'
        } finally { $env:KONNEKT_ENDPOINT = $before }
    }
}
