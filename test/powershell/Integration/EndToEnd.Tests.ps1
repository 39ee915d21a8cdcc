# The module end to end: real pwsh, the REAL daemon (started by Start-KonnektDaemon), the REAL
# emulator (SharePoint + Entra, device codes auto-approved for adele) and a REAL FUSE mount read
# and written from this process. One flow, in order: connect by device code, tenants, sites and
# libraries, a drive mounted from the pipeline, items and versions, sharing links, the cache, an
# upload checked through SharePoint REST, a tenant that needs sign-in, disconnect, the Citrix
# logon/logoff examples, stop. Each It builds on the ones before it.
#
# SAFETY: everything lives in one New-KonnektTestDirectory; the daemon, its tenant workers and the
# emulator get HOME/XDG_*/TMPDIR/KONNEKT_ENDPOINT inside it; AfterAll stops them, kills leftovers
# whose environment points into that directory only, lazily unmounts FUSE mounts left under it
# and only then deletes it (Remove-KonnektTestDirectory refuses while anything is mounted).

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath '../Helpers/TestHelpers.ps1')
    Import-Module -Name $KonnektManifest -Force
    Set-StrictMode -Version 3.0
    $script:saved = Save-KonnektEnvironment
    $script:root = New-KonnektTestDirectory -Purpose 'e2e'
    $script:emulator = Start-KonnektTestEmulator -Root $root
    $script:ready = $emulator.Ready
    $script:contoso = @($ready.tenants | Where-Object name -eq 'contoso')[0]

    Set-KonnektIsolatedEnvironment -Root $root
    $env:KONNEKT_CLI = Join-Path -Path $KonnektRepoRoot -ChildPath 'dist/daemon/cli.js'
    # The daemon (and its workers) must trust the emulator's TLS certificates.
    $env:NODE_EXTRA_CA_CERTS = $ready.caFile
    $script:mountRoot = Join-Path -Path $root -ChildPath 'Konnekt'
    $configDir = Join-Path -Path $env:XDG_CONFIG_HOME -ChildPath 'konnekt'
    $null = New-Item -ItemType Directory -Path $configDir -Force
    [ordered]@{ authorityHost = $ready.authority; clientId = $ready.clientId; mountRoot = $mountRoot; pollSeconds = 1; cacheSizeMiB = 256 } |
        ConvertTo-Json | Set-Content -LiteralPath (Join-Path -Path $configDir -ChildPath 'config.json')

    $script:tenantRoot = Join-Path -Path $mountRoot -ChildPath 'contoso'
    $script:planPath = Join-Path -Path $tenantRoot -ChildPath 'Marketing/Documents/Plan.txt'
    $script:drivePoint = Join-Path -Path $root -ChildPath 'marketing-drive'
    $script:uploadName = "e2e-upload-$([guid]::NewGuid().ToString('N').Substring(0, 8)).txt"

    # SharePoint REST as adele, with a token from the emulator's admin API (not through Konnekt).
    $script:restGet = {
        param([string]$RelativeUrl)
        $token = (Invoke-RestMethod -Method Post -Uri "$($ready.admin)/tokens" -ContentType 'application/json' -Body '{"tenant":"contoso","user":"adele"}' -SkipCertificateCheck).access_token
        Invoke-RestMethod -Method Get -Uri "$($contoso.sharePointUrl)$RelativeUrl" -Headers @{ Authorization = "Bearer $token" } -SkipCertificateCheck
    }
    # Polls a condition (a scriptblock) until true or the deadline: for state that has no event.
    $script:waitFor = {
        param([scriptblock]$Condition, [int]$Seconds = 60)
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { return $false }
            Start-Sleep -Milliseconds 200
        }
        return $true
    }
    $script:mounted = { param([string]$Point) @(Get-KonnektTestMount -Root $root) -contains $Point }
    $script:logTail = { (Get-Content -LiteralPath (Join-Path -Path $root -ChildPath 'state/konnekt/logs/daemon.log') -Tail 40 -ErrorAction SilentlyContinue) -join "`n" }

    Start-KonnektDaemon -ErrorAction Stop
    $script:daemonPid = (Get-KonnektStatus -ErrorAction Stop).Pid
}

AfterAll {
    if ($script:root) {
        try { Stop-KonnektDaemon -Confirm:$false -ErrorAction Stop } catch { Write-Warning "Stop-KonnektDaemon: $_" }
        Stop-KonnektTestEmulator -Emulator $script:emulator
        Stop-KonnektTestProcess -Root $script:root
        Dismount-KonnektTestMount -Root $script:root
        Restore-KonnektEnvironment -Saved $script:saved
        Remove-KonnektTestDirectory -Path $script:root
    }
}

Describe 'End to end against the emulator' {
    It 'Connect-Konnekt -DeviceCode shows the device code and returns the connected tenant' {
        $tenant = Connect-Konnekt -Url $contoso.sharePointUrl -Name contoso -TenantId $contoso.tenantId -DeviceCode -TimeoutSeconds 120 -WarningVariable prompts -WarningAction SilentlyContinue -ErrorAction Stop
        # The device code arrives as a tenant.needsSignIn notification while the request waits.
        $prompt = @($prompts | Where-Object { "$_" -like "*tenant 'contoso' needs sign-in*" })
        $prompt.Count | Should -BeGreaterThan 0 -Because 'the device code must be shown'
        "$($prompt[0])" | Should -BeLike "*$($ready.authority)/devicelogin*"
        "$($prompt[0])" | Should -Match 'code [A-Z0-9]{6,}'
        $tenant.PSObject.TypeNames[0] | Should -Be 'Konnekt.Tenant'
        $tenant.Name | Should -Be 'contoso'
        $tenant.State | Should -Be 'connected'
        $tenant.Account | Should -Be 'adele@contoso.onmicrosoft.com'
        $tenant.TenantId | Should -Be $contoso.tenantId
    }

    It 'Get-KonnektTenant lists the tenant and shows it by name and by wildcard' {
        $all = @(Get-KonnektTenant -ErrorAction Stop)
        $all.Count | Should -Be 1
        $all[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Tenant'
        $all[0].State | Should -Be 'connected'
        $one = Get-KonnektTenant -Name contoso -ErrorAction Stop
        $one.State | Should -Be 'connected'
        $one.Url | Should -Be $contoso.sharePointUrl
        @(Get-KonnektTenant -Name 'con*').Count | Should -Be 1
        @(Get-KonnektTenant -Name 'fab*').Count | Should -Be 0
        (Get-KonnektStatus).Tenants.Count | Should -Be 1
        { Get-KonnektTenant -Name nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.notFound,Get-KonnektTenant'
    }

    It 'Get-KonnektSite and Get-KonnektLibrary show the tenant''s sites and libraries' {
        $sites = @(Get-KonnektSite -Tenant contoso -ErrorAction Stop)
        $sites[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Site'
        $marketing = @($sites | Where-Object Site -eq 'Marketing')
        $marketing.Count | Should -Be 1
        $marketing[0].Libraries | Should -Be 2
        $marketing[0].SiteUrl | Should -Be "$($contoso.sharePointUrl)/sites/marketing"
        $libraries = @(Get-KonnektLibrary -Tenant contoso -ErrorAction Stop)
        $libraries[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Library'
        $libraries.Path | Should -Contain 'contoso/Marketing/Documents'
        $docs = @($libraries | Where-Object Path -eq 'contoso/Marketing/Documents')[0]
        $docs.LocalPath | Should -Be (Join-Path -Path $tenantRoot -ChildPath 'Marketing/Documents')
        @(Get-KonnektLibrary -Site Marketing).Library | Sort-Object | Should -Be @('Campaigns', 'Documents')
        # Pipeline: sites into libraries.
        @(Get-KonnektSite -Tenant contoso -Site 'Mark*' | Get-KonnektLibrary -Library Doc*).Path | Should -Be @('contoso/Marketing/Documents')
    }

    It 'the tenant is mounted under the mount root and a file reads through it' {
        & $waitFor { & $mounted $tenantRoot } 30 | Should -BeTrue -Because (& $logTail)
        Get-Content -LiteralPath $planPath -Raw | Should -Be "Marketing plan, final: budget and timeline agreed.`n"
    }

    It 'Get-KonnektLibrary -Site Marketing | Mount-KonnektDrive -MountPoint mounts the library; Get-Content reads through it' {
        $drive = Get-KonnektLibrary -Site Marketing -Library Documents | Mount-KonnektDrive -MountPoint $drivePoint -ErrorAction Stop
        $drive.PSObject.TypeNames[0] | Should -Be 'Konnekt.Drive'
        $drive.State | Should -Be 'mounted'
        $drive.MountPoint | Should -Be $drivePoint
        $drive.Path | Should -Be 'contoso/Marketing/Documents'
        $drive.Tenant | Should -Be 'contoso'
        & $mounted $drivePoint | Should -BeTrue
        @(Get-ChildItem -LiteralPath $drivePoint -Name) | Should -Contain 'Plan.txt'
        Get-Content -LiteralPath (Join-Path -Path $drivePoint -ChildPath 'Plan.txt') -Raw | Should -Be "Marketing plan, final: budget and timeline agreed.`n"
        # Mounting again at the same place is refused with the daemon's code.
        $err = $null
        try { Mount-KonnektDrive -Path contoso/Marketing/Campaigns -MountPoint $drivePoint -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'Konnekt.alreadyExists,Mount-KonnektDrive'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'Get-KonnektDrive lists the tenant mount and the new drive' {
        $drives = @(Get-KonnektDrive -ErrorAction Stop)
        $drives.MountPoint | Should -Contain $drivePoint
        $drives.MountPoint | Should -Contain $tenantRoot
        $drives[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Drive'
        @(Get-KonnektDrive -Tenant contoso).Count | Should -Be $drives.Count
        $byName = @(Get-KonnektDrive -Name Documents)
        $byName.Count | Should -Be 1
        $byName[0].MountPoint | Should -Be $drivePoint
    }

    It 'Get-KonnektItem on a local path under the mount shows version, ETag and web URL' {
        $item = Get-KonnektItem -Path $planPath -ErrorAction Stop
        $item.PSObject.TypeNames[0] | Should -Be 'Konnekt.Item'
        $item.Name | Should -Be 'Plan.txt'
        $item.IsFolder | Should -BeFalse
        $item.Version | Should -Be '3.0'
        $item.Size | Should -Be 51
        $item.Etag | Should -Not -BeNullOrEmpty
        $item.WebUrl | Should -Be "$($contoso.sharePointUrl)/sites/marketing/Shared%20Documents/Plan.txt"
        $item.Modified | Should -BeOfType [DateTime]
        # The same file through the drive, and from Get-ChildItem on the pipeline.
        (Get-KonnektItem -Path (Join-Path -Path $drivePoint -ChildPath 'Plan.txt')).WebUrl | Should -Be $item.WebUrl
        (Get-ChildItem -LiteralPath $planPath | Get-KonnektItem).Etag | Should -Be $item.Etag
        # A relative path is resolved against the current location, as file cmdlets do.
        Push-Location -LiteralPath (Split-Path -Path $planPath -Parent)
        try { (Get-KonnektItem -Path ./Plan.txt).Path | Should -Be $item.Path } finally { Pop-Location }
        (Get-KonnektItem -Path contoso/Marketing/Documents/Plan.txt).Etag | Should -Be $item.Etag
        { Get-KonnektItem -Path contoso/Marketing/Documents/no-such-file.txt -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.notFound,Get-KonnektItem'
    }

    It 'Open-KonnektSite -PassThru returns the web URL of a site' {
        Open-KonnektSite -Path contoso/Marketing -PassThru | Should -Be "$($contoso.sharePointUrl)/sites/marketing"
        Get-ChildItem -LiteralPath $planPath | Open-KonnektSite -PassThru | Should -Be "$($contoso.sharePointUrl)/sites/marketing/Shared%20Documents/Plan.txt"
    }

    It 'Get-KonnektItemVersion lists 1.0, 2.0, 3.0; the first one pipes into Restore-KonnektItemVersion' {
        $versions = @(Get-KonnektItemVersion -Path $planPath -ErrorAction Stop)
        $versions[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.ItemVersion'
        $versions.Label | Should -Be @('1.0', '2.0', '3.0')
        @($versions | Where-Object IsCurrent).Label | Should -Be @('3.0')
        $versions[0].Path | Should -Be $planPath
        # -WhatIf restores nothing.
        $versions[0] | Restore-KonnektItemVersion -WhatIf
        (Get-KonnektItem -Path $planPath).Version | Should -Be '3.0'
        $restored = Get-KonnektItemVersion -Path $planPath | Select-Object -First 1 | Restore-KonnektItemVersion -Confirm:$false -ErrorAction Stop
        $restored.PSObject.TypeNames[0] | Should -Be 'Konnekt.Item'
        $restored.Version | Should -Be '4.0' -Because 'a restore makes a new current version'
        (Get-KonnektItemVersion -Path $planPath).Label | Should -Contain '4.0'
        # The mount shows the restored content (the folder is listed again; poll, no fixed sleep).
        & $waitFor { (Get-Content -LiteralPath $planPath -Raw) -eq "Marketing plan, draft 1.`n" } 30 | Should -BeTrue
        (& $restGet "/sites/marketing/_api/web/GetFileByServerRelativeUrl('/sites/marketing/Shared%20Documents/Plan.txt')/`$value") | Should -Be "Marketing plan, draft 1.`n"
    }

    It 'New-KonnektSharingLink creates a link with the configured default scope' {
        $link = New-KonnektSharingLink -Path $planPath -Confirm:$false -ErrorAction Stop
        $link.PSObject.TypeNames[0] | Should -Be 'Konnekt.SharingLink'
        $link.Scope | Should -Be 'organization'
        $link.Type | Should -Be 'view'
        $link.Url | Should -BeLike "$($contoso.sharePointUrl)/*"
        $link.Path | Should -Be $planPath
        $edit = Get-ChildItem -LiteralPath $planPath | New-KonnektSharingLink -Type edit -Scope users -Confirm:$false -ErrorAction Stop
        $edit.Type | Should -Be 'edit'
        $edit.Scope | Should -Be 'users'
        $edit.Url | Should -Not -Be $link.Url
    }

    It 'Add-KonnektPin fetches a file, Get-KonnektCache counts it, Clear-KonnektCache keeps it unless -IncludePinned' {
        $video = Join-Path -Path $tenantRoot -ChildPath 'Marketing/Documents/Launch Video.mp4'
        $size = (Get-KonnektItem -Path $video -ErrorAction Stop).Size
        $pin = Add-KonnektPin -Path $video -Confirm:$false -ErrorAction Stop
        $pin.PSObject.TypeNames[0] | Should -Be 'Konnekt.Pin'
        $pin.Files | Should -Be 1
        $pin.Bytes | Should -Be $size
        $pin.Path | Should -Be $video
        (Get-KonnektItem -Path $video).CachedBytes | Should -BeGreaterOrEqual $size
        $stats = Get-KonnektCache -ErrorAction Stop
        $stats.PSObject.TypeNames[0] | Should -Be 'Konnekt.CacheInfo'
        $stats.Tenant | Should -Be '(all)'
        $stats.CapBytes | Should -Be (256 * 1024 * 1024)
        $stats.UsedBytes | Should -BeGreaterOrEqual $size
        $stats.Location | Should -BeLike "$root/*"
        (Get-KonnektCache -Tenant contoso).UsedBytes | Should -BeGreaterOrEqual $size
        # -WhatIf clears nothing; a clear keeps pinned files.
        Clear-KonnektCache -WhatIf
        (Get-KonnektItem -Path $video).CachedBytes | Should -BeGreaterOrEqual $size
        $cleared = Clear-KonnektCache -Confirm:$false -PassThru -ErrorAction Stop
        $cleared.PSObject.TypeNames[0] | Should -Be 'Konnekt.CacheClearResult'
        $cleared.Files | Should -BeGreaterOrEqual 0
        (Get-KonnektCache).UsedBytes | Should -BeGreaterOrEqual $size -Because 'pinned bytes survive a clear without -IncludePinned'
        (Get-KonnektItem -Path $video).CachedBytes | Should -BeGreaterOrEqual $size
        # Unpinned and cleared with -IncludePinned: gone from the cache, still readable on demand.
        Remove-KonnektPin -Path $video -Confirm:$false -ErrorAction Stop
        $null = Clear-KonnektCache -IncludePinned -Confirm:$false -ErrorAction Stop
        (Get-KonnektItem -Path $video).CachedBytes | Should -Be 0
        (Get-KonnektCache).UsedBytes | Should -BeLessThan $size
    }

    It 'Get-KonnektCache counts pinned bytes' {
        $doc = Join-Path -Path $tenantRoot -ChildPath 'Marketing/Documents/Brand Guidelines.docx'
        $pin = Add-KonnektPin -Path $doc -Confirm:$false -ErrorAction Stop
        try {
            $pinned = (Get-KonnektCache).PinnedBytes
            $pinned | Should -BeGreaterOrEqual $pin.Bytes
        } finally { Remove-KonnektPin -Path $doc -Confirm:$false }
    }

    It 'a file written through the mount reaches SharePoint: Wait-KonnektUpload, then SharePoint REST' {
        $text = "written by pwsh through the Konnekt mount $([guid]::NewGuid())"
        Set-Content -LiteralPath (Join-Path -Path $drivePoint -ChildPath $uploadName) -Value $text
        # Set-Content's close flushed the file: the upload is journalled before Wait-KonnektUpload asks.
        $waited = Wait-KonnektUpload -Timeout 120 -ErrorAction Stop
        $waited.PSObject.TypeNames[0] | Should -Be 'Konnekt.UploadWaitResult'
        $waited.Failed | Should -Be 0
        @(Get-KonnektUpload -Tenant contoso -ErrorAction Stop).Count | Should -Be 0 -Because 'nothing is pending after the wait'
        $body = & $restGet "/sites/marketing/_api/web/GetFileByServerRelativeUrl('/sites/marketing/Shared%20Documents/$uploadName')/`$value"
        $body | Should -Be "$text`n"
        $item = Get-KonnektItem -Path (Join-Path -Path $drivePoint -ChildPath $uploadName) -ErrorAction Stop
        $item.PendingUpload | Should -BeFalse
        $item.ModifiedBy | Should -Be 'Adele Vance'
    }

    It 'a slow upload: Get-KonnektUpload shows it pending; Wait-KonnektUpload -Timeout runs out; without a limit it completes' {
        $slowName = "slow-$uploadName"
        $slowPath = Join-Path -Path $drivePoint -ChildPath $slowName
        # Every SharePoint request of contoso takes 3 s: the upload cannot finish within 1 s.
        $null = Invoke-RestMethod -Method Post -Uri "$($ready.admin)/faults" -ContentType 'application/json' -Body '{"tenant":"contoso","latencyMs":3000}' -SkipCertificateCheck
        try {
            Set-Content -LiteralPath $slowPath -Value 'slow'
            $pending = @(Get-KonnektUpload -Tenant contoso -ErrorAction Stop)
            $pending.Count | Should -Be 1
            $pending[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Upload'
            $pending[0].Tenant | Should -Be 'contoso'
            $pending[0].Path | Should -BeLike "*$slowName"
            $pending[0].State | Should -BeIn @('queued', 'uploading', 'retrying')
            @(Get-KonnektUpload -State failed).Count | Should -Be 0
            (Get-Content -LiteralPath $slowPath -Raw) | Should -Be "slow`n" -Because 'the mount shows the local file at once'
            # Checked by the two cases below.
            $script:pendingItem = @{ Item = $null; Error = $null }
            try { $script:pendingItem.Item = Get-KonnektItem -Path $slowPath -ErrorAction Stop } catch { $script:pendingItem.Error = $_ }
            $script:shortWait = @{ Result = $null; Error = $null }
            try { $script:shortWait.Result = Wait-KonnektUpload -Timeout 1 -ErrorAction Stop } catch { $script:shortWait.Error = $_ }
        } finally {
            $null = Invoke-RestMethod -Method Delete -Uri "$($ready.admin)/faults?tenant=contoso" -SkipCertificateCheck
        }
        $waited = Wait-KonnektUpload -Tenant contoso -Timeout 120 -ErrorAction Stop
        $waited.Failed | Should -Be 0
        @(Get-KonnektUpload).Count | Should -Be 0
        (& $restGet "/sites/marketing/_api/web/GetFileByServerRelativeUrl('/sites/marketing/Shared%20Documents/$slowName')/`$value") | Should -Be "slow`n"
    }

    It 'Wait-KonnektUpload -Timeout fails with OperationTimeout when uploads are left' {
        $script:shortWait | Should -Not -BeNullOrEmpty -Because 'the slow upload case ran'
        $shortWait.Error.FullyQualifiedErrorId | Should -Be 'Konnekt.timeout,Wait-KonnektUpload'
        $shortWait.Error.CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It 'Get-KonnektItem on a file that waits for its upload shows PendingUpload' {
        $script:pendingItem | Should -Not -BeNullOrEmpty -Because 'the slow upload case ran'
        $pendingItem.Error | Should -BeNullOrEmpty
        $pendingItem.Item.PendingUpload | Should -BeTrue
    }

    It 'Add-KonnektPin on a folder pins the files of its subfolders too; Remove-KonnektPin unpins them' {
        $folder = Join-Path -Path $tenantRoot -ChildPath 'Marketing/Documents'
        $direct = @(Get-ChildItem -LiteralPath $folder -File)
        $all = @(Get-ChildItem -LiteralPath $folder -File -Recurse)
        $all.Count | Should -BeGreaterThan $direct.Count -Because 'the seed has files in subfolders'
        $deep = @($all | Where-Object { $_.DirectoryName -ne $folder })[0]
        try {
            $pin = Get-Item -LiteralPath $folder | Add-KonnektPin -Confirm:$false -ErrorAction Stop
            $pin.Files | Should -Be $all.Count
            $pin.Bytes | Should -Be ($all | Measure-Object -Property Length -Sum).Sum
            (Get-KonnektItem -Path $deep.FullName).CachedBytes | Should -BeGreaterOrEqual $deep.Length
            $null = Clear-KonnektCache -Confirm:$false
            (Get-KonnektItem -Path $deep.FullName).CachedBytes | Should -BeGreaterOrEqual $deep.Length -Because 'pinned (whole 4 KiB blocks)'
            $pin | Remove-KonnektPin -Confirm:$false -ErrorAction Stop
            $null = Clear-KonnektCache -Confirm:$false
            (Get-KonnektItem -Path $deep.FullName).CachedBytes | Should -Be 0 -Because 'unpinned and cleared'
        } finally {
            Remove-KonnektPin -Path $folder -Confirm:$false -ErrorAction SilentlyContinue
            $null = Clear-KonnektCache -IncludePinned -Confirm:$false
        }
    }

    It 'Add-KonnektPin -NoRecurse on a folder pins only the folder''s own files' {
        $folder = Join-Path -Path $tenantRoot -ChildPath 'Marketing/Documents'
        $direct = @(Get-ChildItem -LiteralPath $folder -File)
        $err = $null
        $pin = $null
        try { $pin = Add-KonnektPin -Path $folder -NoRecurse -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        try {
            $err | Should -BeNullOrEmpty
            $pin.Files | Should -Be $direct.Count
        } finally {
            if ($pin) { Remove-KonnektPin -Path $folder -NoRecurse -Confirm:$false -ErrorAction SilentlyContinue }
            $null = Clear-KonnektCache -IncludePinned -Confirm:$false
        }
    }

    It 'Dismount-KonnektDrive unmounts the drive (pipeline from Get-KonnektDrive); the tenant mount stays' {
        Get-KonnektDrive -Name Documents | Dismount-KonnektDrive -WhatIf
        & $mounted $drivePoint | Should -BeTrue
        Get-KonnektDrive -Name Documents | Dismount-KonnektDrive -Confirm:$false -ErrorAction Stop
        & $waitFor { -not (& $mounted $drivePoint) } 30 | Should -BeTrue
        @(Get-KonnektDrive).MountPoint | Should -Not -Contain $drivePoint
        & $mounted $tenantRoot | Should -BeTrue
        { Dismount-KonnektDrive -Drive $drivePoint -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.notFound,Dismount-KonnektDrive'
    }

    It 'a revoked sign-in: calls that need SharePoint fail with an authentication error and the tenant shows needsSignIn' {
        $null = Invoke-RestMethod -Method Post -Uri "$($ready.admin)/revoke" -ContentType 'application/json' -Body '{"tenant":"contoso","user":"adele"}' -SkipCertificateCheck
        # Discovery always asks SharePoint; so does an item in a folder nobody listed yet.
        $err = $null
        try { Get-KonnektLibrary -Tenant contoso -Refresh -ErrorAction Stop -WarningAction SilentlyContinue } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.FullyQualifiedErrorId | Should -BeIn @('Konnekt.notSignedIn,Get-KonnektLibrary', 'Konnekt.claimsChallenge,Get-KonnektLibrary')
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*Connect-Konnekt*'
        $err = $null
        try { Get-KonnektItem -Path (Join-Path -Path $tenantRoot -ChildPath 'Finance/Reports 2026') -ErrorAction Stop -WarningAction SilentlyContinue } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -BeLike '*sign-in*'
        $tenant = Get-KonnektTenant -Name contoso -ErrorAction Stop
        $tenant.State | Should -Be 'needsSignIn'
    }

    It 'Connect-Konnekt signs the tenant in again' {
        $tenant = Connect-Konnekt -Url $contoso.sharePointUrl -Name contoso -TenantId $contoso.tenantId -DeviceCode -TimeoutSeconds 120 -WarningAction SilentlyContinue -ErrorAction Stop
        $tenant.State | Should -Be 'connected'
        (Get-KonnektTenant -Name contoso).State | Should -Be 'connected'
        @(Get-KonnektLibrary -Tenant contoso -Refresh -ErrorAction Stop).Path | Should -Contain 'contoso/Marketing/Documents'
    }

    It 'Connect-Konnekt -CertificatePath signs in app-only to a second tenant; Disconnect-Konnekt -Forget drops it' {
        $fabrikam = @($ready.tenants | Where-Object name -eq 'fabrikam')[0]
        # A self-signed certificate registered for a new app in the emulator's Entra (PEM: cert + key).
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        try {
            $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=konnekt-e2e', $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $cert = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
            $certPem = $cert.ExportCertificatePem()
            $pemPath = Join-Path -Path $root -ChildPath 'app.pem'
            Set-Content -LiteralPath $pemPath -Value ($certPem + "`n" + $rsa.ExportPkcs8PrivateKeyPem())
        } finally { $rsa.Dispose() }
        $clientId = [guid]::NewGuid().ToString()
        $null = Invoke-RestMethod -Method Post -Uri "$($ready.admin)/apps" -ContentType 'application/json' -Body (@{ tenant = 'fabrikam'; clientId = $clientId; certificatePem = $certPem } | ConvertTo-Json) -SkipCertificateCheck

        $tenant = Connect-Konnekt -Url $fabrikam.sharePointUrl -Name fabrikam -ClientId $clientId -TenantId $fabrikam.tenantId -CertificatePath $pemPath -TimeoutSeconds 120 -ErrorAction Stop
        $tenant.Name | Should -Be 'fabrikam'
        $tenant.State | Should -Be 'connected'
        # Checked by the case below: discovery is done when connect returns.
        $script:appOnlyLibrariesAtConnect = @(Get-KonnektLibrary -Tenant fabrikam -ErrorAction Stop).Count
        @(Get-KonnektTenant).Name | Sort-Object | Should -Be @('contoso', 'fabrikam')
        & $waitFor { @(Get-KonnektLibrary -Tenant fabrikam).Count -gt 0 } 30 | Should -BeTrue -Because (& $logTail)
        @(Get-KonnektLibrary -Tenant fabrikam).Path | Should -Contain 'fabrikam/Projects/Documents'
        @(Get-KonnektLibrary -Tenant fabrikam).Tenant | Select-Object -Unique | Should -Be 'fabrikam'
        $fabrikamRoot = Join-Path -Path $mountRoot -ChildPath 'fabrikam'
        & $waitFor { & $mounted $fabrikamRoot } 30 | Should -BeTrue -Because (& $logTail)

        Disconnect-Konnekt -Name fabrikam -Forget -Confirm:$false -ErrorAction Stop
        & $waitFor { -not (& $mounted $fabrikamRoot) } 30 | Should -BeTrue
        { Get-KonnektTenant -Name fabrikam -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.notFound,Get-KonnektTenant'
        @(Get-KonnektTenant).Name | Should -Be @('contoso')
    }

    It 'Connect-Konnekt -CertificatePath returns once the libraries are discovered' {
        $script:appOnlyLibrariesAtConnect | Should -Not -BeNullOrEmpty -Because 'the certificate case ran'
        $appOnlyLibrariesAtConnect | Should -BeGreaterThan 0
    }

    It 'Disconnect-Konnekt stops the tenant and unmounts it; -WhatIf does not' {
        Disconnect-Konnekt -Name contoso -WhatIf
        (Get-KonnektTenant -Name contoso).State | Should -Be 'connected'
        Get-KonnektTenant -Name contoso | Disconnect-Konnekt -Confirm:$false -ErrorAction Stop
        (Get-KonnektTenant -Name contoso).State | Should -Be 'disconnected'
        & $waitFor { -not (& $mounted $tenantRoot) } 30 | Should -BeTrue -Because (& $logTail)
    }

    It 'the Citrix logon example connects and maps the Marketing libraries; the logoff example stops the daemon and unmounts' {
        $savedModulePath = $env:PSModulePath
        try {
            # The examples import the module by name, as an installed module.
            $env:PSModulePath = (Join-Path -Path $KonnektRepoRoot -ChildPath 'powershell') + [System.IO.Path]::PathSeparator + $env:PSModulePath
            # This very PowerShell: a .NET global tool runs as `dotnet pwsh.dll`.
            $exe = (Get-Process -Id $PID).Path
            [string[]]$prefix = if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @((Join-Path -Path $PSHOME -ChildPath 'pwsh.dll')) } else { @() }
            $logon = Join-Path -Path $KonnektRepoRoot -ChildPath 'docs/examples/citrix-logon.ps1'
            $output = & $exe @prefix -NoProfile -NonInteractive -File $logon -TenantUrl $contoso.sharePointUrl -TenantName contoso -TenantId $contoso.tenantId -DeviceCode -Site Marketing *>&1 | Out-String
            $LASTEXITCODE | Should -Be 0 -Because $output
            $output | Should -BeLike '*devicelogin*' -Because 'the tenant was disconnected: the logon signs in and shows the code'
            (Get-KonnektTenant -Name contoso).State | Should -Be 'connected'
            # Linux: one mount per library in the user's profile directory ($env:HOME, a temp dir here).
            $points = @('Marketing Campaigns', 'Marketing Documents') | ForEach-Object { Join-Path -Path $env:HOME -ChildPath $_ }
            foreach ($point in $points) { & $mounted $point | Should -BeTrue -Because $output }
            @(Get-KonnektDrive -Tenant contoso).MountPoint | Should -Contain $points[1]
            (Get-Content -LiteralPath (Join-Path -Path $points[1] -ChildPath 'Plan.txt') -Raw) | Should -Be "Marketing plan, draft 1.`n"
            # Run again (a reconnected session): nothing new, no error.
            $again = & $exe @prefix -NoProfile -NonInteractive -File $logon -TenantUrl $contoso.sharePointUrl -TenantName contoso -TenantId $contoso.tenantId -DeviceCode -Site Marketing *>&1 | Out-String
            $LASTEXITCODE | Should -Be 0 -Because $again
            $again | Should -Not -BeLike '*WARNING*' -Because $again

            # A change saved just before logoff that cannot reach SharePoint within the logoff
            # script's limit (every request of contoso takes 3 s): the script names it and still
            # stops the daemon.
            $script:logoffName = "logoff-$uploadName"
            $script:logoffText = "saved just before logoff $([guid]::NewGuid())"
            $null = Invoke-RestMethod -Method Post -Uri "$($ready.admin)/faults" -ContentType 'application/json' -Body '{"tenant":"contoso","latencyMs":3000}' -SkipCertificateCheck
            try {
                Set-Content -LiteralPath (Join-Path -Path $points[1] -ChildPath $logoffName) -Value $logoffText
                $logoff = Join-Path -Path $KonnektRepoRoot -ChildPath 'docs/examples/citrix-logoff.ps1'
                $output = & $exe @prefix -NoProfile -NonInteractive -File $logoff -UploadTimeoutSeconds 1 *>&1 | Out-String
            } finally {
                $null = Invoke-RestMethod -Method Delete -Uri "$($ready.admin)/faults?tenant=contoso" -SkipCertificateCheck
            }
            $LASTEXITCODE | Should -Be 0 -Because $output
            $output | Should -BeLike "*WARNING*$logoffName*" -Because $output
        } finally { $env:PSModulePath = $savedModulePath }
        { Get-KonnektStatus -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.daemonUnavailable,Get-KonnektStatus'
        # Stopped: the daemon exits and no mount is left behind (not even a stale one).
        & $waitFor { -not (Get-Process -Id $daemonPid -ErrorAction SilentlyContinue) } 30 | Should -BeTrue
        @(Get-KonnektTestMount -Root $root) | Should -BeNullOrEmpty
    }

    It 'Start-KonnektDaemon again (next logon): the tenant reconnects with its stored sign-in, the change left at logoff reaches SharePoint; Stop-KonnektDaemon unmounts' {
        Start-KonnektDaemon -ErrorAction Stop
        $script:daemonPid = (Get-KonnektStatus -ErrorAction Stop).Pid
        & $waitFor { (Get-KonnektTenant -Name contoso -ErrorAction SilentlyContinue).State -eq 'connected' -and (& $mounted $tenantRoot) } 60 | Should -BeTrue -Because (& $logTail)
        # Uploaded while the daemon drained at stop, or resumed from the journal now.
        (Wait-KonnektUpload -Timeout 120 -ErrorAction Stop).Failed | Should -Be 0
        (& $restGet "/sites/marketing/_api/web/GetFileByServerRelativeUrl('/sites/marketing/Shared%20Documents/$logoffName')/`$value") | Should -Be "$logoffText`n"
        Get-Content -LiteralPath (Join-Path -Path $tenantRoot -ChildPath "Marketing/Documents/$logoffName") -Raw | Should -Be "$logoffText`n"
        Stop-KonnektDaemon -Confirm:$false -ErrorAction Stop
        { Get-KonnektStatus -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.daemonUnavailable,Get-KonnektStatus'
        & $waitFor { -not (Get-Process -Id $daemonPid -ErrorAction SilentlyContinue) } 30 | Should -BeTrue
        [System.IO.File]::ReadAllText('/proc/mounts') | Should -Not -BeLike "*$root*"
    }
}
