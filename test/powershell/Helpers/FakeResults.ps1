# Canned daemon results, shaped like rpc-schema/konnekt.openrpc.json, for tests that mock
# Invoke-KonnektRpc. Get-KonnektFakeResult -Method m returns what the daemon would answer.
function Get-KonnektFakeResult {
    param([Parameter(Mandatory)][string]$Method)
    $tenant = [pscustomobject]@{ name = 'contoso'; url = 'https://contoso.sharepoint.com'; state = 'connected'; account = 'ada@contoso.com'; libraries = 2; pendingUploads = 0 }
    $lib1 = [pscustomobject]@{ tenant = 'contoso'; site = 'Marketing'; library = 'Documents'; siteUrl = 'https://contoso.sharepoint.com/sites/Marketing'; webUrl = 'https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents'; path = 'contoso/Marketing/Documents' }
    $lib2 = [pscustomobject]@{ tenant = 'contoso'; site = 'Marketing'; library = 'Assets'; siteUrl = 'https://contoso.sharepoint.com/sites/Marketing'; webUrl = 'https://contoso.sharepoint.com/sites/Marketing/Assets'; path = 'contoso/Marketing/Assets' }
    $lib3 = [pscustomobject]@{ tenant = 'contoso'; site = 'Sales'; library = 'Documents'; siteUrl = 'https://contoso.sharepoint.com/sites/Sales'; webUrl = 'https://contoso.sharepoint.com/sites/Sales/Shared%20Documents'; path = 'contoso/Sales/Documents'; isPersonalSite = $false }
    $drive = [pscustomobject]@{ id = 'd1'; name = 'Documents'; tenant = 'contoso'; path = 'contoso/Marketing/Documents'; mountPoint = '/mnt/m'; state = 'mounted'; persist = $false; managed = $false }
    $item = [pscustomobject]@{ path = 'contoso/Marketing/Documents/Plan.docx'; name = 'Plan.docx'; isFolder = $false; tenant = 'contoso'; webUrl = 'https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/Plan.docx'; etag = '"{A1},4"'; version = '4.0'; checkedOutBy = 'ada@contoso.com'; lockedBy = $null; size = 1234; modified = '2026-11-02T10:00:00Z' }
    $setting = [pscustomobject]@{ key = 'logLevel'; value = 'debug'; default = 'info'; source = 'user'; locked = $false; description = 'Daemon log level.' }
    switch ($Method) {
        'daemon.version' { return [pscustomobject]@{ version = '0.1.0'; node = 'v20'; platform = 'linux'; arch = 'x64'; protocol = '1.0.0' } }
        'daemon.status' { return [pscustomobject]@{ pid = 42; uptimeSeconds = 3.5; startedAt = '2026-11-27T12:00:00.000Z'; endpoint = '/run/k.sock'; version = '0.1.0'; node = 'v20'; protocol = '1.0.0'; configFile = '/c'; policyFile = $null; logFile = '/l'; configErrors = @(); tenants = @($tenant) } }
        'daemon.shutdown' { return [pscustomobject]@{} }
        'tenant.connect' { return $tenant }
        'tenant.status' { return $tenant }
        'tenant.list' { return [pscustomobject]@{ tenants = @($tenant, [pscustomobject]@{ name = 'fabrikam'; state = 'needsSignIn' }) } }
        'tenant.disconnect' { return [pscustomobject]@{} }
        'library.list' { return [pscustomobject]@{ libraries = @($lib1, $lib2, $lib3) } }
        'library.refresh' { return [pscustomobject]@{ libraries = 3 } }
        'drive.mount' { return $drive }
        'drive.unmount' { return [pscustomobject]@{} }
        'drive.list' { return [pscustomobject]@{ drives = @($drive, [pscustomobject]@{ id = 'root'; path = ''; mountPoint = '/home/u/Konnekt'; state = 'mounted' }) } }
        'item.info' { return $item }
        'item.webUrl' { return [pscustomobject]@{ url = $item.webUrl } }
        'item.sharingLink' { return [pscustomobject]@{ url = 'https://contoso.sharepoint.com/:w:/s/Marketing/abc'; scope = 'organization'; type = 'view' } }
        'item.versions' { return [pscustomobject]@{ versions = @([pscustomobject]@{ label = '4.0'; created = '2026-11-02T10:00:00Z'; isCurrent = $true }, [pscustomobject]@{ label = '3.0'; created = '2026-11-01T10:00:00Z'; isCurrent = $false; size = 1000 }) } }
        'item.restoreVersion' { return $item }
        'cache.stats' { return [pscustomobject]@{ usedBytes = 1048576; capBytes = 10737418240; pinnedBytes = 0; files = 3 } }
        'cache.pin' { return [pscustomobject]@{ files = 2; bytes = 2048 } }
        'cache.unpin' { return [pscustomobject]@{} }
        'cache.clear' { return [pscustomobject]@{ files = 3; bytes = 1048576 } }
        'upload.list' { return [pscustomobject]@{ uploads = @([pscustomobject]@{ id = 'u1'; tenant = 'contoso'; path = 'contoso/Marketing/Documents/a.txt'; state = 'uploading'; size = 100; uploadedBytes = 50; attempts = 1 }, [pscustomobject]@{ id = 'u2'; tenant = 'contoso'; path = 'contoso/Marketing/Documents/b.txt'; state = 'failed'; size = 10; uploadedBytes = 0; attempts = 5; lastError = [pscustomobject]@{ code = 'quotaExceeded' } }) } }
        'upload.wait' { return [pscustomobject]@{ completed = 2; failed = 0 } }
        'config.get' { return $setting }
        'config.set' { return $setting }
        'config.unset' { return $setting }
        'config.list' { return [pscustomobject]@{ settings = @($setting, [pscustomobject]@{ key = 'links.scope'; value = 'organization'; default = 'organization'; source = 'policy'; locked = $true; description = 'x' }) } }
        'log.tail' { return [pscustomobject]@{ file = '/l'; lines = @('{"level":30,"time":"2026-11-27T12:00:00.000Z","component":"daemon","msg":"daemon ready"}', '{"level":50,"time":1764244800000,"component":"tenant","tenant":"contoso","msg":"upload failed"}', 'not json') } }
        default { throw "no fake result for $Method" }
    }
}
