# Error mapping: daemon error codes -> ErrorRecord category, FullyQualifiedErrorId, message.
BeforeDiscovery {
    $script:categoryCases = @(
        @{ Code = 'notFound'; Category = 'ObjectNotFound' }
        @{ Code = 'accessDenied'; Category = 'PermissionDenied' }
        @{ Code = 'policyLocked'; Category = 'PermissionDenied' }
        @{ Code = 'invalidArgument'; Category = 'InvalidArgument' }
        @{ Code = 'configInvalid'; Category = 'InvalidArgument' }
        @{ Code = 'invalidName'; Category = 'InvalidArgument' }
        @{ Code = 'notSignedIn'; Category = 'AuthenticationError' }
        @{ Code = 'daemonUnavailable'; Category = 'ConnectionError' }
        @{ Code = 'conflict'; Category = 'ResourceBusy' }
        @{ Code = 'locked'; Category = 'ResourceBusy' }
        @{ Code = 'throttled'; Category = 'ConnectionError' }
        @{ Code = 'offline'; Category = 'ConnectionError' }
        @{ Code = 'timeout'; Category = 'OperationTimeout' }
        @{ Code = 'notSupported'; Category = 'NotImplemented' }
        @{ Code = 'cancelled'; Category = 'OperationStopped' }
        @{ Code = 'internal'; Category = 'NotSpecified' }
        @{ Code = 'somethingNew'; Category = 'NotSpecified' }
    )
}

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath '../Helpers/TestHelpers.ps1')
    Import-Module -Name $KonnektManifest -Force
    Set-StrictMode -Version 3.0
    $script:schema = Get-Content -LiteralPath (Join-Path -Path $KonnektRepoRoot -ChildPath 'rpc-schema/konnekt.openrpc.json') -Raw | ConvertFrom-Json
}

Describe 'ConvertTo-KonnektErrorRecord' {
    It 'maps <Code> to <Category>' -ForEach $categoryCases {
        $rpcError = [pscustomobject]@{ code = -32000; message = "the daemon's words"; data = [pscustomobject]@{ code = $Code; key = 'k' } }
        $record = & (Get-Module Konnekt) { param($e) ConvertTo-KonnektErrorRecord -RpcError $e -Method 'x.y' } $rpcError
        $record.CategoryInfo.Category | Should -Be $Category
        $record.FullyQualifiedErrorId | Should -Be "Konnekt.$Code"
        $record.Exception.Message | Should -Be "the daemon's words"
        $record.Exception.Data['KonnektCode'] | Should -Be $Code
        ($record.Exception.Data['KonnektData'] | ConvertFrom-Json).key | Should -Be 'k'
    }
    It 'knows every code of the schema ErrorCode enum' {
        foreach ($code in $schema.components.schemas.ErrorCode.enum) {
            $category = & (Get-Module Konnekt) { param($c) Get-KonnektErrorCategory -Code $c } $code
            if ($code -ne 'internal') { $category | Should -Not -Be 'NotSpecified' -Because "$code deserves a category" }
        }
    }
    It 'falls back to the JSON-RPC number when data.code is missing' {
        $record = & (Get-Module Konnekt) { ConvertTo-KonnektErrorRecord -RpcError ([pscustomobject]@{ code = -32601; message = 'Method not found' }) -Method 'tenant.frobnicate' }
        $record.FullyQualifiedErrorId | Should -Be 'Konnekt.methodNotFound'
        $record.CategoryInfo.Category | Should -Be 'NotImplemented'
        $record.Exception.Message | Should -BeLike "*'tenant.frobnicate'*"
        $record = & (Get-Module Konnekt) { ConvertTo-KonnektErrorRecord -RpcError ([pscustomobject]@{ code = -32020; message = 'locked by policy' }) }
        $record.FullyQualifiedErrorId | Should -Be 'Konnekt.policyLocked'
    }
    It 'says what to do when the daemon is not running' {
        $record = New-KonnektTestError -Code 'daemonUnavailable'
        $record.ErrorDetails.RecommendedAction | Should -BeLike '*Start-KonnektDaemon*'
    }
}

Describe 'Cmdlets write the daemon error as their own ErrorRecord' {
    It '<Code> from Get-KonnektItem becomes Konnekt.<Code>,Get-KonnektItem with category <Category>' -ForEach $categoryCases {
        Mock -ModuleName Konnekt Invoke-KonnektRpc { throw (New-KonnektTestError -Code $Code -Message "the daemon says $Code") }
        $err = $null
        try { Get-KonnektItem -Path contoso/s/l/x.docx -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be "Konnekt.$Code,Get-KonnektItem"
        $err.CategoryInfo.Category | Should -Be $Category
        $err.Exception.Message | Should -Be "the daemon says $Code"
        $err.TargetObject | Should -Be 'contoso/s/l/x.docx'
        "$err" | Should -Not -Match '\bat [\w.]+\(|System\.\w+Exception'
    }
    It 'is non-terminating: the pipeline goes on with the next item' {
        Mock -ModuleName Konnekt Invoke-KonnektRpc {
            if ($Params.path -eq 'a/b/c/bad') { throw (New-KonnektTestError -Code 'notFound') }
            [pscustomobject]@{ path = $Params.path; name = 'x'; isFolder = $false; tenant = 'a'; webUrl = 'https://a' }
        }
        $items = @('a/b/c/1', 'a/b/c/bad', 'a/b/c/2' | Get-KonnektItem -ErrorAction SilentlyContinue -ErrorVariable errs)
        $items.Count | Should -Be 2
        # PowerShell also lists the transport's caught error in -ErrorVariable; the written one is last.
        $errs[-1].FullyQualifiedErrorId | Should -Be 'Konnekt.notFound,Get-KonnektItem'
    }
    It 'a daemon that is not running gives daemonUnavailable through the real transport' {
        $saved = Save-KonnektEnvironment
        $dir = New-KonnektTestDirectory -Purpose 'nodaemon'
        try {
            $env:KONNEKT_ENDPOINT = Join-Path -Path $dir -ChildPath 'nobody.sock'
            $err = $null
            try { Get-KonnektStatus -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'Konnekt.daemonUnavailable,Get-KonnektStatus'
            $err.CategoryInfo.Category | Should -Be 'ConnectionError'
            $err.Exception.Message | Should -BeLike '*Start-KonnektDaemon*'
        } finally {
            Restore-KonnektEnvironment -Saved $saved
            Remove-KonnektTestDirectory -Path $dir
        }
    }
}
