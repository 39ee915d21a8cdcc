function Connect-Konnekt {
    <#
    .SYNOPSIS
    Signs in to a Microsoft 365 tenant and starts Konnekt for it.
    .DESCRIPTION
    Asks the daemon to connect a tenant (tenant.connect). Three ways to sign in, as in
    Connect-PnPOnline and Connect-MgGraph:
    - Interactive (default): the daemon opens the browser sign-in; its URL is also shown as a warning.
    - DeviceCode (-DeviceCode): for sessions without a browser; the code and the address to enter
      it at are shown as a warning while the command waits for you to finish signing in.
    - Certificate (-ClientId -TenantId and -CertificateThumbprint or -CertificatePath): app-only
      sign-in with your own Entra ID app registration, for unattended scripts.
    The command returns the tenant (Konnekt.Tenant) once it is signed in.
    .PARAMETER Url
    Any SharePoint URL of the tenant, e.g. https://contoso.sharepoint.com.
    .PARAMETER Name
    Short name of the tenant in Konnekt (first folder under the mount root), e.g. contoso.
    Lower-case letters, digits and dashes. Default: derived by the daemon from the URL.
    .PARAMETER DeviceCode
    Sign in with a device code instead of a browser on this machine.
    .PARAMETER ClientId
    Application (client) id of the Entra ID app to sign in with. Required for certificate sign-in;
    optional otherwise (the configured or built-in app is used).
    .PARAMETER TenantId
    Entra ID tenant id or domain (contoso.onmicrosoft.com). Required for certificate sign-in.
    Alias: Tenant.
    .PARAMETER CertificateThumbprint
    Thumbprint of the app's certificate in the user's certificate store (Windows).
    .PARAMETER CertificatePath
    Path to a PEM or PFX file holding the app's certificate and private key.
    .PARAMETER TimeoutSeconds
    How long to wait for the sign-in to finish. Default 900 (15 minutes, the device code lifetime).
    .PARAMETER WhatIf
    Shows what would happen without connecting.
    .PARAMETER Confirm
    Asks for confirmation before connecting.
    .EXAMPLE
    Connect-Konnekt -Url https://contoso.sharepoint.com

    Signs in interactively in the browser.
    .EXAMPLE
    Connect-Konnekt -Url https://contoso.sharepoint.com -Name contoso -DeviceCode

    Shows a device code to enter at https://microsoft.com/devicelogin, then waits for the sign-in.
    .EXAMPLE
    Connect-Konnekt -Url https://contoso.sharepoint.com -ClientId 7d3f... -Tenant contoso.onmicrosoft.com -CertificatePath ./konnekt.pem

    Signs in app-only with a certificate.
    .INPUTS
    None.
    .OUTPUTS
    Konnekt.Tenant
    .LINK
    Disconnect-Konnekt
    .LINK
    Get-KonnektTenant
    #>
    [CmdletBinding(DefaultParameterSetName = 'Interactive', SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('Konnekt.Tenant')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidatePattern('^https://')]
        [string]$Url,

        [ValidatePattern('^[a-z0-9][a-z0-9-]{0,62}$')]
        [string]$Name,

        [Parameter(Mandatory, ParameterSetName = 'DeviceCode')]
        [switch]$DeviceCode,

        [Parameter(ParameterSetName = 'Interactive')]
        [Parameter(ParameterSetName = 'DeviceCode')]
        [Parameter(Mandatory, ParameterSetName = 'CertificateThumbprint')]
        [Parameter(Mandatory, ParameterSetName = 'CertificatePath')]
        [ValidateNotNullOrEmpty()]
        [string]$ClientId,

        [Parameter(ParameterSetName = 'Interactive')]
        [Parameter(ParameterSetName = 'DeviceCode')]
        [Parameter(Mandatory, ParameterSetName = 'CertificateThumbprint')]
        [Parameter(Mandatory, ParameterSetName = 'CertificatePath')]
        [Alias('Tenant')]
        [ValidateNotNullOrEmpty()]
        [string]$TenantId,

        [Parameter(Mandatory, ParameterSetName = 'CertificateThumbprint')]
        [ValidatePattern('^[0-9A-Fa-f]{40}$')]
        [string]$CertificateThumbprint,

        [Parameter(Mandatory, ParameterSetName = 'CertificatePath')]
        [ValidateNotNullOrEmpty()]
        [string]$CertificatePath,

        [ValidateRange(1, 86400)]
        [int]$TimeoutSeconds = 900
    )
    $params = [ordered]@{ url = $Url }
    if ($Name) { $params.name = $Name }
    switch ($PSCmdlet.ParameterSetName) {
        'Interactive' { $params.signInMode = 'interactive' }
        'DeviceCode' { $params.signInMode = 'deviceCode' }
        default { $params.signInMode = 'certificate' }
    }
    if ($ClientId) { $params.clientId = $ClientId }
    if ($TenantId) { $params.tenantId = $TenantId }
    if ($CertificateThumbprint) { $params.certificateThumbprint = $CertificateThumbprint.ToUpperInvariant() }
    if ($CertificatePath) {
        $full = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($CertificatePath)
        if (-not (Test-Path -LiteralPath $full -PathType Leaf)) {
            $PSCmdlet.ThrowTerminatingError((ConvertTo-KonnektErrorRecord -Code 'notFound' -Message "Certificate file not found: $full" -TargetObject $CertificatePath))
        }
        $params.certificatePath = $full
    }
    $target = if ($Name) { "$Name ($Url)" } else { $Url }
    if (-not $PSCmdlet.ShouldProcess($target, "Connect ($($params.signInMode) sign-in)")) { return }
    try {
        $tenant = Invoke-KonnektRpc -Method 'tenant.connect' -Params $params -TimeoutSeconds $TimeoutSeconds
    } catch {
        $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Url))
        return
    }
    ConvertTo-KonnektObject -InputObject $tenant -TypeName 'Konnekt.Tenant'
}
