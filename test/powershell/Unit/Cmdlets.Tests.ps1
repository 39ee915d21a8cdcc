# Cmdlet behaviour with the transport mocked: parameter sets, params sent per the schema,
# ShouldProcess (-WhatIf sends nothing), pipeline binding, typed output.
BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath '../Helpers/TestHelpers.ps1')
    . (Join-Path -Path $PSScriptRoot -ChildPath '../Helpers/FakeResults.ps1')
    Import-Module -Name $KonnektManifest -Force
    Set-StrictMode -Version 3.0
    # Every call the cmdlets make, for the schema check at the end of this file.
    $script:calls = [System.Collections.Generic.List[object]]::new()
    $script:mockBody = {
        # -Params is optional: a call without it has no $Params variable in the mock.
        $sent = Get-Variable -Name 'Params' -ValueOnly -ErrorAction SilentlyContinue
        $script:calls.Add([pscustomobject]@{ Method = $Method; Params = $sent })
        Get-KonnektFakeResult -Method $Method
    }
}

Describe 'Start-KonnektDaemon / Stop-KonnektDaemon (mocked)' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'does not start anything when the daemon already answers' {
        Mock -ModuleName Konnekt Get-KonnektCli { throw 'must not look for the CLI' }
        Start-KonnektDaemon
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'daemon.version' }
    }
    It 'Stop-KonnektDaemon -WhatIf does not send daemon.shutdown' {
        Stop-KonnektDaemon -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0 -ParameterFilter { $Method -eq 'daemon.shutdown' }
    }
    It 'Stop-KonnektDaemon does nothing when the daemon is not running' {
        Mock -ModuleName Konnekt Invoke-KonnektRpc { throw (New-KonnektTestError -Code 'daemonUnavailable') }
        { Stop-KonnektDaemon -ErrorAction Stop } | Should -Not -Throw
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0 -ParameterFilter { $Method -eq 'daemon.shutdown' }
    }
    It 'Stop-KonnektDaemon sends daemon.shutdown and waits until the endpoint is gone' {
        $script:stopped = $false
        Mock -ModuleName Konnekt Invoke-KonnektRpc {
            if ($Method -eq 'daemon.shutdown') { $script:stopped = $true; $script:calls.Add([pscustomobject]@{ Method = $Method; Params = $null }); return [pscustomobject]@{} }
            if ($script:stopped) { throw (New-KonnektTestError -Code 'daemonUnavailable') }
            Get-KonnektFakeResult -Method $Method
        }
        Stop-KonnektDaemon
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'daemon.shutdown' }
    }
}

Describe 'Get-KonnektStatus' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'returns a Konnekt.Status with Konnekt.Tenant objects and dates as DateTime' {
        $status = Get-KonnektStatus
        $status.PSObject.TypeNames[0] | Should -Be 'Konnekt.Status'
        $status.Pid | Should -Be 42
        $status.StartedAt | Should -BeOfType [DateTime]
        @($status.Tenants).Count | Should -Be 1
        $status.Tenants[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Tenant'
        $status.Tenants[0].Name | Should -Be 'contoso'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'daemon.status' }
    }
}

Describe 'Connect-Konnekt parameter sets' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'defaults to interactive sign-in' {
        $t = Connect-Konnekt -Url https://contoso.sharepoint.com -Name contoso
        $t.PSObject.TypeNames[0] | Should -Be 'Konnekt.Tenant'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter {
            $Method -eq 'tenant.connect' -and $Params.url -eq 'https://contoso.sharepoint.com' -and $Params.name -eq 'contoso' -and $Params.signInMode -eq 'interactive'
        }
    }
    It 'uses deviceCode with -DeviceCode' {
        $null = Connect-Konnekt -Url https://contoso.sharepoint.com -DeviceCode -TenantId contoso.onmicrosoft.com
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter {
            $Method -eq 'tenant.connect' -and $Params.signInMode -eq 'deviceCode' -and $Params.tenantId -eq 'contoso.onmicrosoft.com' -and -not $Params.Contains('name')
        }
    }
    It 'uses certificate sign-in with -ClientId -Tenant -CertificateThumbprint' {
        $null = Connect-Konnekt -Url https://contoso.sharepoint.com -ClientId app1 -Tenant contoso.onmicrosoft.com -CertificateThumbprint ('ab' * 20)
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter {
            $Method -eq 'tenant.connect' -and $Params.signInMode -eq 'certificate' -and $Params.clientId -eq 'app1' -and $Params.certificateThumbprint -eq ('AB' * 20) -and $Params.tenantId -eq 'contoso.onmicrosoft.com'
        }
    }
    It 'sends the full path of -CertificatePath' {
        $dir = New-KonnektTestDirectory -Purpose 'cert'
        try {
            $pem = Join-Path -Path $dir -ChildPath 'app.pem'
            Set-Content -LiteralPath $pem -Value 'x'
            Push-Location -LiteralPath $dir
            try { $null = Connect-Konnekt -Url https://contoso.sharepoint.com -ClientId app1 -TenantId t1 -CertificatePath ./app.pem } finally { Pop-Location }
            Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Params.certificatePath -eq $pem -and $Params.signInMode -eq 'certificate' }
        } finally { Remove-KonnektTestDirectory -Path $dir }
    }
    It 'fails with ObjectNotFound for a missing certificate file and sends nothing' {
        { Connect-Konnekt -Url https://contoso.sharepoint.com -ClientId a -TenantId t -CertificatePath (Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath 'konnekt-no-such.pem') -ErrorAction Stop } |
            Should -Throw -ErrorId 'Konnekt.notFound,Connect-Konnekt'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
    }
    It 'requires -ClientId and -TenantId for certificate sign-in' {
        $cmd = Get-Command -Name Connect-Konnekt
        $cmd.Parameters['ClientId'].ParameterSets['CertificatePath'].IsMandatory | Should -BeTrue
        $cmd.Parameters['TenantId'].ParameterSets['CertificateThumbprint'].IsMandatory | Should -BeTrue
        $cmd.Parameters['ClientId'].ParameterSets['Interactive'].IsMandatory | Should -BeFalse
        $cmd.DefaultParameterSet | Should -Be 'Interactive'
    }
    It 'cannot combine -DeviceCode with a certificate' {
        { Connect-Konnekt -Url https://x.sharepoint.com -DeviceCode -ClientId a -TenantId t -CertificatePath /x.pem } | Should -Throw -ErrorId 'AmbiguousParameterSet,Connect-Konnekt'
    }
    It 'refuses a URL that is not https and sends nothing' {
        { Connect-Konnekt -Url http://contoso.sharepoint.com } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Connect-Konnekt'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
    }
    It '-WhatIf sends nothing' {
        Connect-Konnekt -Url https://contoso.sharepoint.com -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
    }
}

Describe 'Tenants' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'Get-KonnektTenant lists with tenant.list and filters wildcards' {
        @(Get-KonnektTenant).Count | Should -Be 2
        $t = @(Get-KonnektTenant -Name 'fab*')
        $t.Count | Should -Be 1
        $t[0].State | Should -Be 'needsSignIn'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 2 -Exactly -ParameterFilter { $Method -eq 'tenant.list' }
    }
    It 'Get-KonnektTenant -Name uses tenant.status' {
        (Get-KonnektTenant -Name contoso).PSObject.TypeNames[0] | Should -Be 'Konnekt.Tenant'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'tenant.status' -and $Params.tenant -eq 'contoso' }
    }
    It 'Disconnect-Konnekt binds tenants from the pipeline and sends forget only with -Forget' {
        Get-KonnektTenant | Disconnect-Konnekt -Forget -Confirm:$false
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 2 -Exactly -ParameterFilter { $Method -eq 'tenant.disconnect' -and $Params.forget -eq $true }
        Disconnect-Konnekt -Name contoso -Confirm:$false
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'tenant.disconnect' -and $Params.tenant -eq 'contoso' -and -not $Params.Contains('forget') }
    }
    It 'Disconnect-Konnekt -WhatIf sends nothing' {
        Disconnect-Konnekt -Name contoso -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
    }
}

Describe 'Sites and libraries' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'Get-KonnektSite groups libraries by site' {
        $sites = @(Get-KonnektSite -Tenant contoso)
        $sites.Count | Should -Be 2
        $sites[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Site'
        ($sites | Where-Object Site -eq 'Marketing').Libraries | Should -Be 2
        ($sites | Where-Object Site -eq 'Marketing').Path | Should -Be 'contoso/Marketing'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'library.list' -and $Params.tenant -eq 'contoso' }
    }
    It 'Get-KonnektLibrary sends tenant and site and filters by title' {
        $libs = @(Get-KonnektLibrary -Tenant contoso -Site Marketing -Library 'Doc*')
        $libs.Count | Should -Be 2  # the fake ignores the site filter; Documents of Marketing and Sales
        $libs[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Library'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'library.list' -and $Params.tenant -eq 'contoso' -and $Params.site -eq 'Marketing' }
    }
    It 'binds Tenant (by Name) and Site from the pipeline' {
        $null = Get-KonnektTenant -Name contoso | Get-KonnektLibrary
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'library.list' -and $Params.tenant -eq 'contoso' -and -not $Params.Contains('site') }
        $null = Get-KonnektSite -Site Sales | Get-KonnektLibrary
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'library.list' -and $Params.tenant -eq 'contoso' -and $Params.site -eq 'Sales' }
    }
    It '-Refresh runs library.refresh with a progress token first' {
        $null = Get-KonnektLibrary -Refresh
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'library.refresh' -and $Params.progressToken -like 'refresh-*' -and $TimeoutSeconds -eq 0 }
    }
}

Describe 'Drives' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'Mount-KonnektDrive takes libraries from the pipeline and resolves -MountPoint' {
        $dir = New-KonnektTestDirectory -Purpose 'mnt'
        try {
            Push-Location -LiteralPath $dir
            try { $drives = @(Get-KonnektLibrary -Site Marketing -Library Assets | Mount-KonnektDrive -MountPoint ./assets -Persist -Name Assets) } finally { Pop-Location }
            $drives[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Drive'
            Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter {
                $Method -eq 'drive.mount' -and $Params.path -eq 'contoso/Marketing/Assets' -and $Params.mountPoint -eq (Join-Path -Path $dir -ChildPath 'assets') -and $Params.persist -eq $true -and $Params.name -eq 'Assets'
            }
        } finally { Remove-KonnektTestDirectory -Path $dir }
    }
    It 'Mount-KonnektDrive mounts each piped library once' {
        $null = Get-KonnektLibrary | Mount-KonnektDrive
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 3 -Exactly -ParameterFilter { $Method -eq 'drive.mount' -and -not $Params.Contains('mountPoint') -and -not $Params.Contains('persist') }
    }
    It 'Mount-KonnektDrive -WhatIf sends nothing' {
        Mount-KonnektDrive -Path contoso/Marketing/Documents -MountPoint /mnt/x -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
    }
    It 'Mount-KonnektDrive -DriveLetter is refused off Windows with InvalidArgument' -Tag 'Unix' {
        { Mount-KonnektDrive -Path contoso/Marketing/Documents -DriveLetter S -ErrorAction Stop } | Should -Throw -ErrorId 'Konnekt.invalidArgument,Mount-KonnektDrive'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
    }
    It 'Mount-KonnektDrive cannot take both -MountPoint and -DriveLetter' {
        { Mount-KonnektDrive -Path a/b/c -MountPoint /x -DriveLetter S } | Should -Throw -ErrorId 'AmbiguousParameterSet,Mount-KonnektDrive'
    }
    It 'Get-KonnektDrive | Dismount-KonnektDrive unmounts by id' {
        Get-KonnektDrive -Tenant contoso | Dismount-KonnektDrive -Confirm:$false
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'drive.list' -and $Params.tenant -eq 'contoso' }
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'drive.unmount' -and $Params.drive -eq 'd1' }
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'drive.unmount' -and $Params.drive -eq 'root' }
    }
    It 'Dismount-KonnektDrive -WhatIf sends nothing' {
        Dismount-KonnektDrive -Drive /mnt/m -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
    }
}

Describe 'Items' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'Get-KonnektItem returns web URL, check-out, lock and ETag' {
        $item = Get-KonnektItem -Path contoso/Marketing/Documents/Plan.docx
        $item.PSObject.TypeNames[0] | Should -Be 'Konnekt.Item'
        $item.WebUrl | Should -BeLike 'https://*Plan.docx'
        $item.CheckedOutBy | Should -Be 'ada@contoso.com'
        $item.LockedBy | Should -BeNullOrEmpty
        $item.Etag | Should -Be '"{A1},4"'
        $item.Modified | Should -BeOfType [DateTime]
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'item.info' -and $Params.path -eq 'contoso/Marketing/Documents/Plan.docx' }
    }
    It 'Get-KonnektItem takes files from Get-ChildItem by FullName' {
        $dir = New-KonnektTestDirectory -Purpose 'items'
        try {
            Set-Content -LiteralPath (Join-Path -Path $dir -ChildPath 'a.txt') -Value 'a'
            Set-Content -LiteralPath (Join-Path -Path $dir -ChildPath 'b.txt') -Value 'b'
            $null = Get-ChildItem -LiteralPath $dir -File | Get-KonnektItem
            Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'item.info' -and $Params.path -eq (Join-Path -Path $dir -ChildPath 'b.txt') }
            Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 2 -Exactly -ParameterFilter { $Method -eq 'item.info' }
        } finally { Remove-KonnektTestDirectory -Path $dir }
    }
    It 'resolves a relative local path that exists, keeps a namespace path as it is' {
        $dir = New-KonnektTestDirectory -Purpose 'rel'
        try {
            Set-Content -LiteralPath (Join-Path -Path $dir -ChildPath 'c.txt') -Value 'c'
            Push-Location -LiteralPath $dir
            try { $null = Get-KonnektItem -Path c.txt } finally { Pop-Location }
            Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Params.path -eq (Join-Path -Path $dir -ChildPath 'c.txt') }
        } finally { Remove-KonnektTestDirectory -Path $dir }
    }
    It 'Get-KonnektItemVersion | Restore-KonnektItemVersion restores the piped version' {
        $versions = @(Get-KonnektItemVersion -Path contoso/Marketing/Documents/Plan.docx)
        $versions.Count | Should -Be 2
        $versions[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.ItemVersion'
        $versions[1].Path | Should -Be 'contoso/Marketing/Documents/Plan.docx'
        $restored = $versions | Where-Object Label -eq '3.0' | Restore-KonnektItemVersion -Force
        $restored.PSObject.TypeNames[0] | Should -Be 'Konnekt.Item'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'item.restoreVersion' -and $Params.version -eq '3.0' -and $Params.path -eq 'contoso/Marketing/Documents/Plan.docx' }
    }
    It 'Restore-KonnektItemVersion is High impact and -WhatIf sends nothing' {
        (Get-Command Restore-KonnektItemVersion).ScriptBlock.Attributes.Where({ $_ -is [System.Management.Automation.CmdletBindingAttribute] })[0].ConfirmImpact | Should -Be 'High'
        Restore-KonnektItemVersion -Path a/b/c/d.docx -Version 1.0 -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
    }
    It 'New-KonnektSharingLink sends scope, type and expiry in UTC' {
        $link = New-KonnektSharingLink -Path contoso/Marketing/Documents/Plan.docx -Scope users -Type edit -ExpiresAt ([DateTime]::new(2027, 1, 2, 3, 4, 5, [DateTimeKind]::Utc))
        $link.PSObject.TypeNames[0] | Should -Be 'Konnekt.SharingLink'
        $link.Path | Should -Be 'contoso/Marketing/Documents/Plan.docx'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'item.sharingLink' -and $Params.scope -eq 'users' -and $Params.type -eq 'edit' -and $Params.expires -eq '2027-01-02T03:04:05Z' }
    }
    It 'New-KonnektSharingLink leaves the scope to the daemon by default, and -WhatIf sends nothing' {
        $null = New-KonnektSharingLink -Path a/b/c/d.docx
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'item.sharingLink' -and -not $Params.Contains('scope') -and $Params.type -eq 'view' }
        New-KonnektSharingLink -Path a/b/c/d.docx -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly
    }
    It 'Open-KonnektSite -PassThru returns the URL without starting a browser' {
        Mock -ModuleName Konnekt Start-Process { throw 'no browser in tests' }
        $url = Get-KonnektLibrary -Library Assets | Open-KonnektSite -PassThru
        $url | Should -Be 'https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/Plan.docx'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'item.webUrl' -and $Params.path -eq 'contoso/Marketing/Assets' }
        Should -Invoke -ModuleName Konnekt Start-Process -Times 0
    }
    It 'Open-KonnektSite without -PassThru hands the URL to the browser opener' {
        Mock -ModuleName Konnekt Start-Process { }
        Open-KonnektSite -Path contoso/Marketing | Should -BeNullOrEmpty
        Should -Invoke -ModuleName Konnekt Start-Process -Times 1 -Exactly -ParameterFilter { ($FilePath -like 'http*') -or ($ArgumentList -contains 'https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/Plan.docx') }
    }
}

Describe 'Cache and pins' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'Get-KonnektCache returns a Konnekt.CacheInfo, per tenant from the pipeline' {
        $c = Get-KonnektCache
        $c.PSObject.TypeNames[0] | Should -Be 'Konnekt.CacheInfo'
        $c.UsedBytes | Should -Be 1048576
        $null = Get-KonnektTenant -Name contoso | Get-KonnektCache
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'cache.stats' -and $Params.tenant -eq 'contoso' }
    }
    It 'Clear-KonnektCache -WhatIf sends nothing; -IncludePinned -PassThru sends and returns the result' {
        Clear-KonnektCache -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
        $r = Clear-KonnektCache -Tenant contoso -IncludePinned -PassThru -Confirm:$false
        $r.Files | Should -Be 3
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'cache.clear' -and $Params.includePinned -eq $true -and $Params.tenant -eq 'contoso' }
    }
    It 'Add-KonnektPin pins recursively by default, with a progress token, and waits without a client timeout' {
        $pin = Add-KonnektPin -Path contoso/Marketing/Documents/Campaign
        $pin.PSObject.TypeNames[0] | Should -Be 'Konnekt.Pin'
        $pin.Files | Should -Be 2
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'cache.pin' -and $Params.recursive -eq $true -and $Params.progressToken -like 'pin-*' -and $TimeoutSeconds -eq 0 }
    }
    It 'Add-KonnektPin | Remove-KonnektPin -NoRecurse unpins the same path' {
        Add-KonnektPin -Path contoso/Marketing/Documents/Campaign | Remove-KonnektPin -NoRecurse -Confirm:$false
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'cache.unpin' -and $Params.path -eq 'contoso/Marketing/Documents/Campaign' -and $Params.recursive -eq $false }
    }
    It 'Add-KonnektPin and Remove-KonnektPin -WhatIf send nothing' {
        Add-KonnektPin -Path a/b/c -WhatIf
        Remove-KonnektPin -Path a/b/c -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
    }
}

Describe 'Uploads' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'Get-KonnektUpload returns Konnekt.Upload objects and filters by state' {
        @(Get-KonnektUpload).Count | Should -Be 2
        $failed = @(Get-KonnektUpload -State failed)
        $failed.Count | Should -Be 1
        $failed[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.Upload'
        $failed[0].LastError.code | Should -Be 'quotaExceeded'
    }
    It 'Wait-KonnektUpload -Timeout sends timeoutMs and waits a little longer on the client' {
        $r = Wait-KonnektUpload -Timeout 120 -Tenant contoso
        $r.PSObject.TypeNames[0] | Should -Be 'Konnekt.UploadWaitResult'
        $r.Completed | Should -Be 2
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'upload.wait' -and $Params.timeoutMs -eq 120000 -and $Params.tenant -eq 'contoso' -and $TimeoutSeconds -gt 120 -and $Params.progressToken -like 'upload-*' }
    }
    It 'Wait-KonnektUpload without -Timeout waits until done' {
        $null = Wait-KonnektUpload
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'upload.wait' -and -not $Params.Contains('timeoutMs') -and $TimeoutSeconds -eq 0 }
    }
    It 'Wait-KonnektUpload reports the daemon timeout as OperationTimeout' {
        Mock -ModuleName Konnekt Invoke-KonnektRpc { throw (New-KonnektTestError -Code 'timeout' -Message 'Uploads still pending after 1 s.') }
        $err = $null
        try { Wait-KonnektUpload -Timeout 1 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'Konnekt.timeout,Wait-KonnektUpload'
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err.Exception.Message | Should -Be 'Uploads still pending after 1 s.'
    }
}

Describe 'Configuration and log' {
    BeforeEach { Mock -ModuleName Konnekt Invoke-KonnektRpc $script:mockBody }
    It 'Get-KonnektConfiguration uses config.get for one key and config.list with wildcards' {
        (Get-KonnektConfiguration -Key logLevel).PSObject.TypeNames[0] | Should -Be 'Konnekt.Setting'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'config.get' -and $Params.key -eq 'logLevel' }
        $locked = @(Get-KonnektConfiguration -Key 'links.*')
        $locked.Count | Should -Be 1
        $locked[0].Locked | Should -BeTrue
    }
    It 'Set-KonnektConfiguration sends typed values, including null and arrays' {
        Set-KonnektConfiguration -Key cacheSizeMiB -Value 4096
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'config.set' -and $Params.value -is [int] -and $Params.value -eq 4096 }
        Set-KonnektConfiguration -Key clientId -Value $null
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'config.set' -and $Params.key -eq 'clientId' -and $Params.Contains('value') -and $null -eq $Params.value }
        Set-KonnektConfiguration -Key discovery.include -Value @('a')
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'config.set' -and $Params.value -is [array] -and $Params.value.Count -eq 1 }
    }
    It 'Set-KonnektConfiguration -WhatIf sends nothing; -PassThru returns the setting' {
        Set-KonnektConfiguration -Key logLevel -Value debug -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 0
        (Set-KonnektConfiguration -Key logLevel -Value debug -PassThru).Value | Should -Be 'debug'
    }
    It 'Reset-KonnektConfiguration takes settings from the pipeline; -WhatIf sends nothing' {
        Get-KonnektConfiguration | Where-Object Source -eq 'user' | Reset-KonnektConfiguration -Confirm:$false
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'config.unset' -and $Params.key -eq 'logLevel' }
        Reset-KonnektConfiguration -Key logLevel -WhatIf
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'config.unset' }
    }
    It 'Get-KonnektLog parses pino lines, keeps non-JSON lines and filters by level' {
        $entries = @(Get-KonnektLog -Tail 3)
        $entries.Count | Should -Be 3
        $entries[0].PSObject.TypeNames[0] | Should -Be 'Konnekt.LogEntry'
        $entries[0].Level | Should -Be 'info'
        $entries[0].Message | Should -Be 'daemon ready'
        $entries[0].Time | Should -BeOfType [DateTime]
        $entries[1].Time | Should -Be ([DateTimeOffset]::FromUnixTimeMilliseconds(1764244800000).UtcDateTime)
        $entries[1].Tenant | Should -Be 'contoso'
        $entries[2].Message | Should -Be 'not json'
        $errors = @(Get-KonnektLog -Level error)
        $errors.Count | Should -Be 1
        $errors[0].Level | Should -Be 'error'
        @(Get-KonnektLog -Raw)[0] | Should -BeLike '{"level":30*'
        Should -Invoke -ModuleName Konnekt Invoke-KonnektRpc -Times 1 -Exactly -ParameterFilter { $Method -eq 'log.tail' -and $Params.lines -eq 3 }
    }
}

Describe 'Every call the cmdlets made matches the OpenRPC schema' {
    It 'sends only known methods, known params, every required param, with the schema types' {
        $schema = Get-Content -LiteralPath (Join-Path -Path $KonnektRepoRoot -ChildPath 'rpc-schema/konnekt.openrpc.json') -Raw | ConvertFrom-Json
        $components = $schema.components.schemas
        $resolve = { param($s) while ($null -ne $s -and $s.PSObject.Properties['$ref']) { $s = $components.($s.'$ref'.Split('/')[-1]) }; $s }
        $problems = [System.Collections.Generic.List[string]]::new()
        $script:calls.Count | Should -BeGreaterThan 40
        $seen = @{}
        foreach ($call in $script:calls) {
            $seen[$call.Method] = $true
            $method = $schema.methods | Where-Object name -eq $call.Method
            if (-not $method) { $problems.Add("unknown method $($call.Method)"); continue }
            $params = if ($null -ne $call.Params) { $call.Params } else { @{} }
            foreach ($p in @($method.params)) {
                if ($p.required -and -not $params.Contains($p.name)) { $problems.Add("$($call.Method): missing $($p.name)") }
            }
            foreach ($key in $params.Keys) {
                $def = @($method.params) | Where-Object name -eq $key
                if (-not $def) { $problems.Add("$($call.Method): unknown param $key"); continue }
                $s = & $resolve $def.schema
                $value = $params[$key]
                if ($s.PSObject.Properties['type']) {
                    $types = @($s.type)
                    $ok = switch ($true) {
                        ($value -is [string]) { $types -contains 'string'; break }
                        ($value -is [bool]) { $types -contains 'boolean'; break }
                        ($value -is [int] -or $value -is [long]) { ($types -contains 'integer') -or ($types -contains 'number'); break }
                        ($null -eq $value) { $types -contains 'null'; break }
                        default { $true }
                    }
                    if (-not $ok) { $problems.Add("$($call.Method): $key is $($value.GetType().Name), schema says $($types -join '|')") }
                }
                if ($s.PSObject.Properties['enum'] -and @($s.enum) -notcontains $value) { $problems.Add("$($call.Method): $key=$value not in enum") }
                if ($s.PSObject.Properties['pattern'] -and $value -is [string] -and $value -notmatch $s.pattern) { $problems.Add("$($call.Method): $key=$value does not match $($s.pattern)") }
            }
        }
        $problems | Should -BeNullOrEmpty
        # Every request method of the schema is used by some cmdlet (notifications excluded).
        $unused = @($schema.methods | Where-Object { -not $_.PSObject.Properties['x-konnekt-kind'] -and $_.name -notin @('daemon.echo') -and -not $seen.ContainsKey($_.name) } | ForEach-Object name)
        $unused | Should -BeNullOrEmpty
    }
}
